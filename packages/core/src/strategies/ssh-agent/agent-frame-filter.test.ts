import { describe, expect, it } from 'vitest';
import { AgentFrameFilter, MAX_AGENT_MESSAGE } from './agent-frame-filter.js';

function frame(type: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(body.length + 1);
  head[4] = type;
  return Buffer.concat([head, body]);
}

function feed(chunks: Buffer[]): Promise<{ refused: number[]; error?: Error; passed: Buffer }> {
  const refused: number[] = [];
  const out: Buffer[] = [];
  const filter = new AgentFrameFilter((t) => refused.push(t));
  return new Promise((resolve) => {
    filter.on('data', (c: Buffer) => out.push(c));
    filter.on('error', (error) => resolve({ refused, error, passed: Buffer.concat(out) }));
    filter.on('end', () => resolve({ refused, passed: Buffer.concat(out) }));
    for (const c of chunks) filter.write(c);
    filter.end();
  });
}

describe('AgentFrameFilter', () => {
  it('passes list and sign requests unchanged and reduces every other request to its type byte, even split at every byte', async () => {
    const sign = frame(13, Buffer.from('key-blob-and-data'));
    const bytes = Buffer.concat([frame(11), frame(27, Buffer.from('session-bind@openssh.com...')), sign, frame(17, Buffer.alloc(300, 7)), frame(19)]);
    const result = await feed([...bytes].map((b) => Buffer.from([b])));
    expect(result.error).toBeUndefined();
    expect(result.refused).toEqual([27, 17, 19]);
    expect(result.passed.equals(Buffer.concat([frame(11), frame(27), sign, frame(17), frame(19)]))).toBe(true);
  });

  it('refuses a frame that announces more than the limit, before buffering it', async () => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(MAX_AGENT_MESSAGE + 1);
    const result = await feed([head]);
    expect(result.error?.message).toMatch(/refused/);
    expect(result.passed.length).toBe(0);
  });

  it('refuses an empty frame', async () => {
    expect((await feed([Buffer.alloc(4)])).error).toBeDefined();
  });
});
