// util.inspect.custom is this registered symbol; naming it directly spares every command that only
// loads config (plan) from importing node:util, which pulls in net, worker_threads and more.
const INSPECT_CUSTOM = Symbol.for('nodejs.util.inspect.custom');

const SECRET_BRAND = Symbol.for('@buildsecrets/core/secret-value');
const REDACTED = '[redacted]';

/**
 * A resolved secret. Holds the bytes in memory only; every way of printing it
 * (`toString`, `toJSON`, template literals, `util.inspect`, `console.log`) shows `[redacted]`.
 * Reading the bytes is an explicit call, so a value cannot slip into a log by accident.
 *
 * @example
 * ```ts
 * const token = SecretValue.from('s3cr3t-token');
 * console.log(`${token}`);          // [redacted]
 * token.reveal().toString('utf8');  // 's3cr3t-token'
 * ```
 */
export class SecretValue {
  #bytes: Buffer;
  #wiped = false;
  declare readonly [SECRET_BRAND]: true;

  private constructor(bytes: Buffer) {
    this.#bytes = bytes;
    Object.defineProperty(this, SECRET_BRAND, { value: true, enumerable: false });
  }

  /** Wrap a string (UTF-8) or bytes. The bytes are copied, so the caller may wipe its own buffer. */
  static from(value: string | Uint8Array): SecretValue {
    return new SecretValue(typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value));
  }

  /** Brand check, so values made by another copy of core are recognised. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SECRET_BRAND] === true;
  }

  /** Size in bytes. */
  get length(): number {
    return this.#bytes.length;
  }

  /** True when the value has no bytes. */
  get isEmpty(): boolean {
    return this.#bytes.length === 0;
  }

  /** A copy of the bytes. The caller owns the copy and should `fill(0)` it when done. */
  reveal(): Buffer {
    this.#assertAlive();
    return Buffer.from(this.#bytes);
  }

  /** The value decoded as UTF-8. Strings cannot be wiped; prefer {@link SecretValue.reveal} for long-lived use. */
  revealString(): string {
    this.#assertAlive();
    return this.#bytes.toString('utf8');
  }

  /** Constant-time comparison with other bytes. */
  equals(other: Uint8Array | SecretValue): boolean {
    const theirs = other instanceof SecretValue ? other.reveal() : Buffer.from(other);
    if (theirs.length !== this.#bytes.length) return false;
    let diff = 0;
    for (let i = 0; i < theirs.length; i++) diff |= theirs[i]! ^ this.#bytes[i]!;
    return diff === 0;
  }

  /** Overwrite the bytes with zeros; later reads throw. Called at teardown. */
  wipe(): void {
    this.#bytes.fill(0);
    this.#wiped = true;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [INSPECT_CUSTOM](): string {
    return `SecretValue(${REDACTED})`;
  }

  #assertAlive(): void {
    if (this.#wiped) throw new Error('[buildsecrets] this secret value was wiped at teardown and can no longer be read');
  }
}
