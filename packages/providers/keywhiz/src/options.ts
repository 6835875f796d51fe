import { z } from '@buildsecrets/core';
import { directoryOptions, keywhizOptions, serverOptions } from './options-schema.js';

export { directoryOptions, keywhizOptions, serverOptions, parseKeywhizOptionsFast } from './options-schema.js';

/** Directory mode: secrets are files under `root` (keywhiz-fs mount, Docker or Kubernetes secret dir). */
export const directoryOptionsSchema = /* @__PURE__ */ directoryOptions(z);

/** Server mode: the Keywhiz client API over HTTPS with a client certificate. */
export const serverOptionsSchema = /* @__PURE__ */ serverOptions(z);

/**
 * Options of the keywhiz provider, by `mode`. `mode` may be left out: the keys decide (`root` is a
 * directory, `url` a server), since each form is strict and only one can match.
 */
export const keywhizOptionsSchema = /* @__PURE__ */ keywhizOptions(z);

/** Parsed directory-mode options. */
export type KeywhizDirectoryOptions = z.output<typeof directoryOptionsSchema>;
/** Parsed server-mode options. */
export type KeywhizServerOptions = z.output<typeof serverOptionsSchema>;
/** Parsed options of the keywhiz provider. */
export type KeywhizOptions = z.output<typeof keywhizOptionsSchema>;
