import { awsClientOptionsShape, z } from '@buildsecrets/core';

/**
 * Options of the `ssm` provider. Everything is optional: by default the AWS SDK resolves region
 * and credentials exactly as the AWS CLI does.
 */
export const ssmOptionsSchema = z
  .object(awsClientOptionsShape())
  .strict();

/** Parsed options of the `ssm` provider. */
export type SsmProviderOptions = z.output<typeof ssmOptionsSchema>;
