import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../logging/logger.js';
import { createRedactor } from '../redaction/redactor.js';
import { withWarningsAsDebug } from './warnings-as-debug.js';

afterEach(() => vi.restoreAllMocks());

describe('withWarningsAsDebug', () => {
  it('diverts matching warnings emitted inside the call to debug, lets others through, and restores emitWarning', () => {
    const lines: string[] = [];
    const logger = createLogger(createRedactor(), { level: 'debug', write: (line) => lines.push(line) });
    const original = process.emitWarning;
    const passed: string[] = [];
    process.emitWarning = ((w: string | Error) => void passed.push(String(w))) as typeof process.emitWarning;
    try {
      const out = withWarningsAsDebug(logger, /VendorNotice/, 'vendor notice', () => {
        process.emitWarning('VendorNotice: this Node.js major\nwill be dropped');
        process.emitWarning('SomethingElse: keep me');
        return 42;
      });
      expect(out).toBe(42);
      expect(passed).toEqual(['SomethingElse: keep me']);
      expect(lines.join('\n')).toContain('vendor notice: VendorNotice: this Node.js major will be dropped');
      process.emitWarning('VendorNotice: after the call');
      expect(passed).toEqual(['SomethingElse: keep me', 'VendorNotice: after the call']);
    } finally {
      process.emitWarning = original;
    }
  });

  it('restores emitWarning when the wrapped call throws', () => {
    const logger = createLogger(createRedactor(), { level: 'debug', write: () => undefined });
    const before = process.emitWarning;
    expect(() => withWarningsAsDebug(logger, /x/, 'x', () => { throw new Error('boom'); })).toThrow('boom');
    expect(process.emitWarning).toBe(before);
  });
});
