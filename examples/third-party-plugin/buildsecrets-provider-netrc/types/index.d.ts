import type { ProviderDefinition, z } from '@buildsecrets/core';

/** The fields a netrc entry can hold; `key` must be one of them. */
export declare const NETRC_KEYS: readonly ['login', 'password', 'account'];

/** Parsed options of the netrc provider. */
export interface NetrcOptions {
  /** The netrc file. Default: `$NETRC`, else `~/.netrc`; relative paths resolve against the config file's directory. */
  path?: string | undefined;
  /** Read the file even when group or others can access it. Default false. */
  allowInsecurePermissions: boolean;
}

/** Options of the netrc provider (`providers.<name>.options`). */
export declare const netrcOptionsSchema: z.ZodType<NetrcOptions>;

/** The netrc provider: `ref` is the machine name, `key` is `login`, `password` (default) or `account`. */
declare const netrcProvider: ProviderDefinition<NetrcOptions>;
export default netrcProvider;
