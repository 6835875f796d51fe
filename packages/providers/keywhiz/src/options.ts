import { z } from '@buildsecrets/core';

/** Directory mode: secrets are files under `root` (keywhiz-fs mount, Docker or Kubernetes secret dir). */
export const directoryOptionsSchema = z
  .object({
    // Optional: `root` alone means directory mode.
    mode: z.literal('directory').default('directory'),
    root: z.string().min(1).describe('The secrets directory; relative paths are resolved against the config file directory.'),
  })
  .strict();

/** A PEM given inline (starts with `-----BEGIN`) or as a file path relative to the config file directory. */
const pem = z.string().min(1);

/** Server mode: the Keywhiz client API over HTTPS with a client certificate. */
export const serverOptionsSchema = z
  .object({
    // Optional: `url` (with the TLS files) means server mode.
    mode: z.literal('server').default('server'),
    url: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }).describe('Base URL of the Keywhiz server, for example https://keywhiz.internal:4444.'),
    clientCert: pem.describe('Client certificate (PEM, inline or a file path).'),
    clientKey: pem.describe('Client private key (PEM, inline or a file path).'),
    ca: pem.describe('The CA that signed the server certificate (PEM, inline or a file path); the only one trusted.'),
    timeoutMs: z.number().int().min(1).max(600_000).default(10_000).describe('Per-request timeout in ms (default 10000).'),
  })
  .strict();

/**
 * Options of the keywhiz provider, by `mode`. `mode` may be left out: the keys decide (`root` is a
 * directory, `url` a server), since each form is strict and only one can match.
 */
export const keywhizOptionsSchema = z.union([directoryOptionsSchema, serverOptionsSchema]);

/** Parsed directory-mode options. */
export type KeywhizDirectoryOptions = z.output<typeof directoryOptionsSchema>;
/** Parsed server-mode options. */
export type KeywhizServerOptions = z.output<typeof serverOptionsSchema>;
/** Parsed options of the keywhiz provider. */
export type KeywhizOptions = z.output<typeof keywhizOptionsSchema>;
