import { z } from '@buildsecrets/core';

const region = z.string().regex(/^[a-z0-9-]{1,40}$/, 'must be an AWS region such as eu-west-1');

/**
 * Options of the `sneaker` provider. With none set it reads Sneaker's own environment variables:
 * `SNEAKER_S3_PATH`, `SNEAKER_REGION` and `SNEAKER_MASTER_CONTEXT`; credentials always come from the
 * AWS SDK's default chain.
 */
export const sneakerOptionsSchema = z
  .object({
    path: z.string().regex(/^s3:\/\/[^/\s]+(\/\S*)?$/, 'must be an S3 path such as s3://my-bucket/secrets/').optional()
      .describe('Where the secrets are stored: s3://bucket/prefix/ (default: SNEAKER_S3_PATH).'),
    region: region.optional()
      .describe('AWS region of the bucket and the KMS key (default: SNEAKER_REGION, then the AWS chain: AWS_REGION, the profile).'),
    context: z.record(z.string().min(1), z.string()).optional()
      .describe('KMS encryption context (default: SNEAKER_MASTER_CONTEXT, "k1=v1,k2=v2"). For pack files: the --context the pack was made with.'),
    pack: z.string().min(1).optional()
      .describe('Read a `sneaker pack` file (relative to the config) instead of S3; `ref` is a file name inside it.'),
    endpoints: z
      .object({
        s3: z.url({ protocol: /^https?$/ }).optional().describe('S3 endpoint (S3-compatible stores, the test-kit server).'),
        kms: z.url({ protocol: /^https?$/ }).optional().describe('KMS endpoint (a VPC endpoint, the test-kit server).'),
      })
      .strict()
      .optional()
      .describe('Custom endpoints for S3 and KMS.'),
    forcePathStyle: z.boolean().optional()
      .describe('Address buckets as https://host/bucket/key instead of https://bucket.host/key (MinIO, the test-kit server).'),
    maxAttempts: z.number().int().min(1).max(10).optional()
      .describe("Attempts per AWS call made by the SDK itself (default 1: buildsecrets' resolver retries)."),
  })
  .strict();

/** Parsed options of the `sneaker` provider. */
export type SneakerProviderOptions = z.output<typeof sneakerOptionsSchema>;
