import { awsClientOptionsShape, z } from '@buildsecrets/core';

/**
 * Options of the `aws` provider. Everything is optional: by default the AWS SDK resolves
 * region and credentials exactly as the AWS CLI does (environment, shared config and
 * credentials files, SSO, container and instance metadata).
 */
export const awsOptionsSchema = z
  .object(awsClientOptionsShape())
  .strict();

/** Parsed options of the `aws` provider. */
export type AwsProviderOptions = z.output<typeof awsOptionsSchema>;
