/**
 * What survives of an underlying error: its class name and the fields that identify a failure
 * without quoting data (errno codes, syscalls, HTTP and gRPC status). Vendor messages are dropped
 * on purpose: SDKs echo request and response bodies, which may hold the secret itself.
 */
export class ScrubbedCause extends Error {
  /** `code` of the original error (for example `ECONNREFUSED`), if it had a short string or number one. */
  readonly code: string | number | undefined;
  /** HTTP or gRPC status of the original error, if any. */
  readonly status: number | undefined;

  constructor(originalName: string, code: string | number | undefined, status: number | undefined, nested: unknown) {
    const parts = [code !== undefined ? `code ${code}` : '', status !== undefined ? `status ${status}` : ''].filter(Boolean);
    super(`${originalName}${parts.length ? ` (${parts.join(', ')})` : ''}`);
    this.name = 'ScrubbedCause';
    this.code = code;
    this.status = status;
    // Keep `stack` free of the original message: only our own summary line.
    this.stack = `${this.name}: ${this.message}`;
    if (nested !== undefined) Object.defineProperty(this, 'cause', { value: nested, enumerable: false });
  }
}

const SAFE_CODE = /^[A-Za-z0-9_.:-]{1,64}$/;

function pickCode(value: unknown): string | number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && SAFE_CODE.test(value)) return value;
  return undefined;
}

function pickStatus(err: Record<string, unknown>): number | undefined {
  const meta = err['$metadata'] as { httpStatusCode?: unknown } | undefined;
  const response = err['response'] as { statusCode?: unknown; status?: unknown } | undefined;
  const candidates = [err['statusCode'], err['status'], meta?.httpStatusCode, response?.statusCode, response?.status];
  for (const c of candidates) if (typeof c === 'number' && Number.isInteger(c)) return c;
  return undefined;
}

/**
 * Reduce any thrown value to a {@link ScrubbedCause} (depth-limited). Errors that are already
 * buildsecrets errors are kept: they were scrubbed when they were made.
 */
export function scrubCause(cause: unknown, depth = 0): unknown {
  if (cause === undefined || cause === null) return undefined;
  const brand = Symbol.for('@buildsecrets/core/error');
  if (typeof cause === 'object' && (cause as Record<symbol, unknown>)[brand] === true) return cause;
  if (cause instanceof ScrubbedCause) return cause;
  if (typeof cause !== 'object') return new ScrubbedCause(typeof cause, undefined, undefined, undefined);
  const err = cause as Record<string, unknown>;
  const rawName = typeof err['name'] === 'string' ? (err['name'] as string) : (cause.constructor?.name ?? 'Error');
  const name = SAFE_CODE.test(rawName) ? rawName : 'Error';
  const code = pickCode(err['code']) ?? pickCode(err['errno']);
  const nested = depth < 3 && 'cause' in err ? scrubCause(err['cause'], depth + 1) : undefined;
  return new ScrubbedCause(name, code, pickStatus(err), nested);
}
