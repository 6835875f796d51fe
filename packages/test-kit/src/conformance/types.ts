import type { ProviderCapabilities, SecretProvider } from '@buildsecrets/core';

/**
 * The test registration function of your runner: vitest's or jest's `it`/`test`, or
 * `node:test`'s `it`. The suite calls it once per case with an async body that throws on failure.
 */
export type ConformanceIt = (name: string, fn: () => Promise<void>) => unknown;

/**
 * The slice of an `expect` function the suite uses. Checks inside the suite use
 * `node:assert/strict`, which every runner reports; pass your runner's `expect` and each case
 * also asserts through it that it made at least one check — needed where the runner fails tests
 * without `expect` assertions (vitest's `expect.requireAssertions`).
 */
export type ConformanceExpect = (actual: unknown) => {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
};

/** A secret stored in the backend under test. */
export interface SeededSecret {
  /** The provider's address of the secret (what a config puts in `ref`). */
  readonly ref: string;
  /** The exact bytes stored (a string is compared as UTF-8). */
  readonly value: string | Uint8Array;
}

/**
 * The fixtures the author has prepared in the backend before the suite runs. Only `found`,
 * `missing` and `canary` are required; each optional entry turns on the cases that need it.
 *
 * @example
 * ```ts
 * const seed: ConformanceSeed = {
 *   found: { ref: 'db-password', value: 'hunter2-canary' },
 *   missing: { ref: 'no-such-secret' },
 *   empty: { ref: 'empty-file' },
 *   json: { ref: 'db-json', key: 'password', value: 'p4ss', missingKey: 'nope' },
 *   canary: 'hunter2-canary',
 * };
 * ```
 */
export interface ConformanceSeed {
  /** A secret that exists, with a non-empty value. */
  readonly found: SeededSecret;
  /** A reference that does not exist in the backend: must yield `SecretNotFoundError`. */
  readonly missing: { readonly ref: string };
  /** A secret that exists with an empty value: must yield an empty value, not "not found". */
  readonly empty?: { readonly ref: string };
  /**
   * A secret holding a JSON object; `key` is a field of it whose value is `value`, and
   * `missingKey` is not a field of it. Used when `capabilities.keys` is set.
   */
  readonly json?: { readonly ref: string; readonly key: string; readonly value: string; readonly missingKey: string };
  /** A secret with an older version pinned by `version`, holding `value`. Used when `capabilities.versions` is set. */
  readonly versioned?: SeededSecret & { readonly version: string };
  /**
   * References the backend answers with something the provider must reject (malformed content,
   * a failing backend call). Each must come back as a typed, scrubbed error.
   */
  readonly invalid?: readonly { readonly ref: string; readonly key?: string }[];
  /**
   * A reference whose resolution does not finish on its own within the suite's bound (a server
   * that never answers, a script that sleeps). Turns the mid-flight abort case into a strict one:
   * aborting must settle the call promptly and must not yield a value.
   */
  readonly slow?: { readonly ref: string };
  /**
   * A distinctive string stored in the backend — as (part of) `found.value`, a field of `json`
   * and the content of the `invalid` fixtures — that must never appear, raw or base64-encoded, in
   * the message, stack or `cause` chain of any error the provider produces.
   */
  readonly canary: string;
}

/** Options of {@link runProviderConformance}. */
export interface ConformanceOptions {
  /** Your runner's `it`/`test`. */
  readonly it: ConformanceIt;
  /** Your runner's `expect` (optional): each case then asserts through it that it made a check (see {@link ConformanceExpect}). */
  readonly expect?: ConformanceExpect;
  /** Make a fresh provider instance. Called once per case; the suite disposes it afterwards. */
  readonly create: () => SecretProvider | Promise<SecretProvider>;
  /** The fixtures prepared in the backend. */
  readonly seed: ConformanceSeed;
  /** The provider definition's capabilities; `keys` and `versions` switch on their cases. */
  readonly capabilities?: ProviderCapabilities;
  /** Prefix for every case name (default `provider conformance`). */
  readonly name?: string;
  /** How long any single call may take before the case fails, in ms (default 5000). */
  readonly boundMs?: number;
}
