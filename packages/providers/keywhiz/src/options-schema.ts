import type { z } from '@buildsecrets/core';
import type { KeywhizDirectoryOptions } from './options.js';

// Each schema is made by a function of zod, so the provider builds its own on first use
// (definition.ts, lazyOptionsSchema) and importing the definition evaluates no zod; options.ts
// exports schema constants made by the same functions.

/** Directory mode: secrets are files under `root` (keywhiz-fs mount, Docker or Kubernetes secret dir). */
export function directoryOptions(zod: typeof z) {
  return zod
    .object({
      // Optional: `root` alone means directory mode.
      mode: zod.literal('directory').default('directory'),
      root: zod.string().min(1).describe('The secrets directory; relative paths are resolved against the config file directory.'),
    })
    .strict();
}

/** Server mode: the Keywhiz client API over HTTPS with a client certificate. */
export function serverOptions(zod: typeof z) {
  /** A PEM given inline (starts with `-----BEGIN`) or as a file path relative to the config file directory. */
  const pem = zod.string().min(1);
  return zod
    .object({
      // Optional: `url` (with the TLS files) means server mode.
      mode: zod.literal('server').default('server'),
      url: zod.url({ protocol: /^https$/, error: 'must be an https:// URL' }).describe('Base URL of the Keywhiz server, for example https://keywhiz.internal:4444.'),
      clientCert: pem.describe('Client certificate (PEM, inline or a file path).'),
      clientKey: pem.describe('Client private key (PEM, inline or a file path).'),
      ca: pem.describe('The CA that signed the server certificate (PEM, inline or a file path); the only one trusted.'),
      timeoutMs: zod.number().int().min(1).max(600_000).default(10_000).describe('Per-request timeout in ms (default 10000).'),
    })
    .strict();
}

/**
 * Options of the keywhiz provider, by `mode`. `mode` may be left out: the keys decide (`root` is a
 * directory, `url` a server), since each form is strict and only one can match.
 */
export function keywhizOptions(zod: typeof z) {
  return zod.union([directoryOptions(zod), serverOptions(zod)]);
}

/**
 * Directory mode as the usual config writes it (`root`, with or without `mode: directory`),
 * without zod. Returns what the schema returns, or `undefined` to let the schema decide (server
 * mode, or anything to report).
 */
export function parseKeywhizOptionsFast(options: Readonly<Record<string, unknown>>): KeywhizDirectoryOptions | undefined {
  const { mode = 'directory', root, ...rest } = options;
  if (Object.keys(rest).length > 0 || mode !== 'directory' || typeof root !== 'string' || root === '') return undefined;
  return { mode, root };
}
