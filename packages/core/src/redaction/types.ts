import type { Transform } from 'node:stream';
import type { SecretValue } from '../secret-value.js';

/** How a redacted value is shown. */
export type RedactionStyle = 'mask' | 'id';

/**
 * Removes every registered secret value (and its common encodings) from text and byte streams.
 * One redactor per run; values are added the moment they are resolved.
 */
export interface Redactor {
  /** Register a value under a label (the secret id). Adding the same value twice is harmless. */
  add(label: string, value: SecretValue | string | Uint8Array): void;
  /** Redact a whole string. */
  redact(text: string): string;
  /** A byte stream that redacts across chunk boundaries; flushes the held-back tail at end. */
  createStream(): Transform;
  /** Number of registered values. */
  readonly size: number;
}
