import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tar } from './__fixtures__/tar-builder.js';
import { decompressorFor, detectFormat, zstdDecompressor } from './blob-format.js';

describe('detectFormat', () => {
  it('tells layers apart by their magic bytes, not their names', () => {
    const layer = tar([{ name: 'etc/passwd', body: 'root:x:0:0' }]);
    expect(detectFormat(layer.subarray(0, 512))).toBe('tar');
    expect(detectFormat(gzipSync(layer).subarray(0, 512))).toBe('gzip');
    expect(detectFormat(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00]))).toBe('zstd');
    expect(detectFormat(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00]))).toBe('xz');
    expect(detectFormat(Buffer.from('{"schemaVersion":2}'))).toBe('other');
    expect(detectFormat(Buffer.alloc(512))).toBe('other');
  });

  it('reports zstd as unsupported when this Node has no zstd decompressor', () => {
    const result = decompressorFor('zstd');
    if (zstdDecompressor()) expect(result).toHaveProperty('stream');
    else expect(result).toEqual({ unsupported: expect.stringMatching(/^zstd not supported by this Node/) });
  });

  it('has a gunzip for gzip and nothing for uncompressed tar', () => {
    expect(decompressorFor('gzip')).toHaveProperty('stream');
    expect(decompressorFor('tar')).toBeUndefined();
  });
});
