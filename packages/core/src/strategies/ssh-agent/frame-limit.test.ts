import { describe, expect, it } from 'vitest';
import { FrameLimit, MAX_AGENT_MESSAGE } from './frame-limit.js';

function frame(type: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(body.length + 1);
  head[4] = type;
  return Buffer.concat([head, body]);
}

function feed(chunks: Buffer[]): Promise<{ types: number[]; error?: Error; passed: Buffer }> {
  const types: number[] = [];
  const out: Buffer[] = [];
  const limit = new FrameLimit((t) => types.push(t));
  return new Promise((resolve) => {
    limit.on('data', (c: Buffer) => out.push(c));
    limit.on('error', (error) => resolve({ types, error, passed: Buffer.concat(out) }));
    limit.on('end', () => resolve({ types, passed: Buffer.concat(out) }));
    for (const c of chunks) limit.write(c);
    limit.end();
  });
}

describe('FrameLimit', () => {
  it('passes messages through unchanged and reports each type, even split at every byte', async () => {
    const bytes = Buffer.concat([frame(11), frame(13, Buffer.from('payload')), frame(17, Buffer.alloc(3))]);
    const split = [...bytes].map((b) => Buffer.from([b]));
    const result = await feed(split);
    expect(result.error).toBeUndefined();
    expect(result.types).toEqual([11, 13, 17]);
    expect(result.passed.equals(bytes)).toBe(true);
  });

  it('refuses a frame that announces more than the limit before buffering it', async () => {
    const head = Buffer.alloc(5);
    head.writeUInt32BE(MAX_AGENT_MESSAGE + 1);
    const result = await feed([head]);
    expect(result.error?.message).toMatch(/refused/);
    expect(result.passed.length).toBe(0);
  });

  it('refuses an empty frame', async () => {
    expect((await feed([Buffer.alloc(4)])).error).toBeDefined();
  });
});
