import { describe, expect, it } from 'vitest';
import { defaultScannerCount } from './layer-pool.js';

describe('defaultScannerCount', () => {
  it('is twice the cores, at most 4: scanners wait part of the time for zlib on the thread pool, so more scanners than cores keep the cores busy', () => {
    expect(defaultScannerCount(1)).toBe(2);
    expect(defaultScannerCount(2)).toBe(4);
    expect(defaultScannerCount(3)).toBe(4);
    expect(defaultScannerCount(64)).toBe(4);
  });

  it('is at least one scanner whatever the runtime reports', () => {
    expect(defaultScannerCount(0)).toBe(1);
  });
});
