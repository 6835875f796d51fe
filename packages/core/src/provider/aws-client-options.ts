import { z } from 'zod';

/**
 * The options every AWS SDK-backed provider (`aws`, `ssm`) takes for its client: region, profile,
 * endpoint and SDK attempts. All optional: by default the SDK resolves region and credentials
 * exactly as the AWS CLI does. A function, so the schemas are built only when a provider's options
 * are (spread it into the provider's own `z.object`).
 */
export function awsClientOptionsShape() {
  return {
    region: z.string().regex(/^[a-z0-9-]{1,40}$/, 'must be an AWS region such as eu-west-1').optional()
      .describe('AWS region (default: AWS_REGION / AWS_DEFAULT_REGION, then the profile).'),
    profile: z.string().min(1).max(128).optional()
      .describe('Named profile from ~/.aws/config and ~/.aws/credentials (default: AWS_PROFILE, then "default").'),
    endpoint: z.url({ protocol: /^https?$/ }).optional()
      .describe('Custom endpoint URL (VPC endpoint, LocalStack, the test-kit server).'),
    maxAttempts: z.number().int().min(1).max(10).optional()
      .describe("Attempts per AWS call made by the SDK itself (default 1: buildsecrets' resolver retries)."),
  };
}
