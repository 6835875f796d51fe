import { scrubCause } from './scrub-cause.js';

/**
 * Marks an object as a buildsecrets error. `Symbol.for` makes the brand shared by every copy of
 * `@buildsecrets/core` loaded in one process, so `instanceof` works across copies (a plugin that
 * bundles its own core, two versions side by side in node_modules).
 */
const ERROR_BRAND = Symbol.for('@buildsecrets/core/error');
/** Names of every class in the instance's prototype chain, captured at construction. */
const ERROR_KINDS = Symbol.for('@buildsecrets/core/error-kinds');

/** Stable machine-readable error codes. Never renamed; new codes may be added. */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'DOCKERFILE_INVALID'
  | 'PLUGIN_LOAD_FAILED'
  | 'SECRET_NOT_FOUND'
  | 'SECRET_INVALID'
  | 'SECRETS_UNRESOLVED'
  | 'AUTHENTICATION_FAILED'
  | 'PERMISSION_DENIED'
  | 'PROVIDER_UNAVAILABLE'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'STRATEGY_REFUSED'
  | 'ENGINE_FAILED'
  | 'LEAK_DETECTED'
  | 'CONTEXT_LEAK'
  | 'AUDIT_FAILED'
  | 'USAGE'
  | 'INTERNAL';

/** Fields every buildsecrets error may carry; none of them ever holds a secret value. */
export interface BuildSecretsErrorOptions {
  /** The secret id (as the Dockerfile mounts it) the error is about. */
  readonly secretId?: string;
  /** The provider instance name (from the config) the error is about. */
  readonly provider?: string;
  /** Whether trying again may succeed (throttling, 5xx, timeouts). */
  readonly retryable?: boolean;
  /**
   * The underlying error. It is scrubbed on the way in: only its class name and
   * non-sensitive fields (code, errno, syscall, HTTP status) are kept, because vendor
   * errors routinely quote response bodies that hold the very secret we protect.
   */
  readonly cause?: unknown;
  /** What the user should do about it; appended to the message on its own line. */
  readonly hint?: string;
}

/**
 * The base of every error buildsecrets throws. Messages start with `[buildsecrets]` or
 * `[buildsecrets:<provider>]` and never contain a secret value.
 *
 * @example
 * ```ts
 * try { await bs.resolve(); } catch (err) {
 *   if (err instanceof BuildSecretsError) console.error(err.code, err.message);
 * }
 * ```
 */
export class BuildSecretsError extends Error {
  /** Stable code, safe to switch on. */
  readonly code: ErrorCode;
  /** Secret id this error is about, if any. */
  readonly secretId: string | undefined;
  /** Provider instance this error is about, if any. */
  readonly provider: string | undefined;
  /** Whether a retry may succeed. */
  readonly retryable: boolean;
  /** What the user should do; also part of `message`. */
  readonly hint: string | undefined;
  declare readonly [ERROR_BRAND]: true;
  declare readonly [ERROR_KINDS]: readonly string[];

  constructor(code: ErrorCode, message: string, options: BuildSecretsErrorOptions = {}) {
    const prefix = options.provider ? `[buildsecrets:${options.provider}]` : '[buildsecrets]';
    const text = message.startsWith('[buildsecrets') ? message : `${prefix} ${message}`;
    super(options.hint ? `${text}\n  → ${options.hint}` : text);
    this.code = code;
    this.secretId = options.secretId;
    this.provider = options.provider;
    this.retryable = options.retryable ?? false;
    this.hint = options.hint;
    if (options.cause !== undefined) {
      Object.defineProperty(this, 'cause', { value: scrubCause(options.cause), enumerable: false, writable: false, configurable: true });
    }
    const kinds: string[] = [];
    for (let proto = Object.getPrototypeOf(this); proto && proto !== Error.prototype; proto = Object.getPrototypeOf(proto)) {
      kinds.push((proto as { constructor: { name: string } }).constructor.name);
    }
    Object.defineProperty(this, ERROR_BRAND, { value: true, enumerable: false });
    Object.defineProperty(this, ERROR_KINDS, { value: kinds, enumerable: false });
    Object.defineProperty(this, 'name', { value: new.target.name, enumerable: false, configurable: true, writable: true });
  }

  /** Brand check instead of prototype identity, so errors from another copy of core match too. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    const branded = value as { [ERROR_BRAND]?: unknown; [ERROR_KINDS]?: unknown };
    if (branded[ERROR_BRAND] !== true) return false;
    if (this === BuildSecretsError) return true;
    const kinds = branded[ERROR_KINDS];
    return Array.isArray(kinds) && kinds.includes(this.name);
  }

  /** A JSON view for `--json` output: code, message and context, never a value. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.secretId !== undefined ? { secretId: this.secretId } : {}),
      ...(this.provider !== undefined ? { provider: this.provider } : {}),
      retryable: this.retryable,
    };
  }
}

/** True when `value` is a buildsecrets error from any copy of core. */
export function isBuildSecretsError(value: unknown): value is BuildSecretsError {
  return value instanceof BuildSecretsError;
}
