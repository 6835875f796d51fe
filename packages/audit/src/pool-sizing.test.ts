import { describe, expect, it } from 'vitest';
import { defaultLocalLayers, defaultScannerCount } from './pool-sizing.js';

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

describe('defaultLocalLayers', () => {
  it('gives the calling thread every layer in flight on up to 2 cores: one thread keeps two cores busy while zlib inflates on the thread pool, and no worker has to start', () => {
    expect(defaultLocalLayers(defaultScannerCount(1), 1)).toBe(2);
    expect(defaultLocalLayers(defaultScannerCount(2), 2)).toBe(4);
  });

  it('shares them with workers on more cores, one thread per two cores, and always keeps at least one', () => {
    expect(defaultLocalLayers(4, 3)).toBe(2);
    expect(defaultLocalLayers(4, 4)).toBe(2);
    expect(defaultLocalLayers(4, 8)).toBe(1);
    expect(defaultLocalLayers(4, 64)).toBe(1);
    expect(defaultLocalLayers(1, 0)).toBe(1);
  });
});
