import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { fcParams } from '../../../audit/src/__fixtures__/fc-seed.js';
import { createRedactor } from './redactor.js';

/*
 * The oracle for every wrapped and dumped form is a tool that shares no code with the redactor:
 * busybox `base64`, `xxd`, `od` and `hexdump`, and Node's Buffer encoders. The text each tool
 * prints is streamed through the redactor in random chunks, with BuildKit's progress prefix or
 * indentation on some lines, between ordinary log lines.
 */

function tool(args: readonly string[], input: Buffer): string {
  return execFileSync('busybox', args, { input, maxBuffer: 1 << 24 }).toString('latin1');
}

async function throughStream(redactor: ReturnType<typeof createRedactor>, text: string, cuts: number[]): Promise<string> {
  const data = Buffer.from(text, 'latin1');
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const stream = redactor.createStream();
  const out: Buffer[] = [];
  stream.on('data', (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  let prev = 0;
  for (const p of [...points, data.length]) {
    stream.write(data.subarray(prev, p));
    prev = p;
  }
  stream.end();
  await done;
  return Buffer.concat(out).toString('latin1');
}

/** BuildKit's progress prefix in several widths (the redactor finds where a line's text starts behind it), and indentation. */
const PREFIXES = ['', '  ', '\t', '#12 3.456 ', '#1 0.0 ', '#100234 1234.5  '];
/** Put a prefix chosen by `pick` before each line, and end lines with `\n` or `\r\n`. */
function decorate(text: string, pick: readonly number[], crlf: boolean): string {
  const lines = text.split('\n');
  const last = lines.pop();
  const out = lines.map((l, i) => `${PREFIXES[(pick[i % pick.length] ?? 0) % PREFIXES.length]}${l}${crlf ? '\r\n' : '\n'}`);
  return out.join('') + (last ?? '');
}

/** The characters of `encoded` that stand for value bytes only (none of the bytes around it). */
function base64OfValueOnly(encoded: string, from: number, length: number): string {
  let s = '';
  for (let i = 0; i < encoded.length; i++) {
    const first = Math.floor((6 * i) / 8);
    const last = Math.floor((6 * i + 5) / 8);
    if (first >= from && last < from + length) s += encoded[i];
  }
  return s;
}

/** True when `text`, with line ends, indentation and prefixes dropped, contains any `n` consecutive characters of `secret`. */
function keepsAPieceOf(output: string, secret: string, n: number): string | undefined {
  const joined = output.replace(/#\d+ \d+\.\d+ /g, '').replace(/[\r\n\t ]/g, '');
  for (let i = 0; i + n <= secret.length; i++) if (joined.includes(secret.slice(i, i + n))) return secret.slice(i, i + n);
  return undefined;
}

const valueArb = fc.noBias(fc.uint8Array({ minLength: 8, maxLength: 300 })).filter((v) => new Set(v).size >= 6);

/**
 * How many bytes of `value` are the secret: all but one trailing `\n` or `\r\n` (docs/audit.md, "searched without it" —
 * a secret file's final newline is stripped by `$(cat …)` and most parsers, so it identifies
 * nothing). A dump line that shows only that newline shows none of the secret.
 */
function secretLength(value: Uint8Array): number {
  const n = value.length;
  const newline = n >= 2 && value[n - 2] === 0x0d && value[n - 1] === 0x0a ? 2 : value[n - 1] === 0x0a ? 1 : 0;
  return n - newline > 0 ? n - newline : n;
}
const aroundArb = fc.noBias(fc.uint8Array({ maxLength: 40 }));
const cutsArb = fc.array(fc.nat(), { maxLength: 12 });
const pickArb = fc.array(fc.nat(), { minLength: 1, maxLength: 8 });

const WRAPPED: readonly { name: string; args: string[]; piece: (data: Buffer, from: number, length: number) => string }[] = [
  { name: 'base64 (76 columns)', args: ['base64'], piece: (d, f, n) => base64OfValueOnly(d.toString('base64'), f, n) },
  { name: 'base64 -w 64 (PEM width)', args: ['base64', '-w', '64'], piece: (d, f, n) => base64OfValueOnly(d.toString('base64'), f, n) },
  { name: 'xxd -p (60 columns)', args: ['xxd', '-p'], piece: (d, f, n) => d.subarray(f, f + n).toString('hex') },
];

describe('the redactor masks wrapped forms in streamed output', () => {
  for (const form of WRAPPED) {
    it(`${form.name}, \\n or \\r\\n, any chunk split: no ${form.name.startsWith('xxd') ? 12 : 12}-character piece of the value's encoding survives`, async () => {
      await fc.assert(
        fc.asyncProperty(valueArb, aroundArb, aroundArb, cutsArb, pickArb, fc.boolean(), async (raw, before, after, cuts, pick, crlf) => {
          const value = Buffer.from(raw);
          const data = Buffer.concat([before, value, after]);
          const printed = decorate(`step 1: encoding\n${tool(form.args, data)}done: ok\n`, pick, crlf);
          const redactor = createRedactor({ lineHoldMs: 60_000 });
          redactor.add('v', value);
          const out = await throughStream(redactor, printed, cuts);
          const secret = form.piece(data, before.length, secretLength(value));
          expect(keepsAPieceOf(out, secret, 12)).toBeUndefined();
          expect(out).toContain('step 1: encoding');
          expect(out).toContain('done: ok');
          expect(out.split('\n').length).toBe(printed.split('\n').length);
        }),
        fcParams(60),
      );
    });
  }
});

const DUMPS: readonly { name: string; args: string[] }[] = [
  { name: 'xxd', args: ['xxd'] },
  { name: 'od -An -tx1', args: ['od', '-An', '-tx1'] },
  { name: 'hexdump -C', args: ['hexdump', '-C'] },
];

describe('the redactor masks hex dumps in streamed output', () => {
  for (const form of DUMPS) {
    it(`${form.name}: every dump line that shows a byte of the value is masked, any chunk split`, async () => {
      await fc.assert(
        fc.asyncProperty(valueArb, aroundArb, aroundArb, cutsArb, pickArb, async (raw, before, after, cuts, pick) => {
          const value = Buffer.from(raw);
          const data = Buffer.concat([before, value, after]);
          const dump = tool(form.args, data);
          const printed = decorate(`dumping\n${dump}end of dump\n`, pick, false);
          const redactor = createRedactor({ lineHoldMs: 60_000 });
          redactor.add('v', value);
          const out = await throughStream(redactor, printed, cuts);
          // Line i of the dump shows bytes [16i, 16i + 16): every one that overlaps the secret must be gone.
          const lines = dump.split('\n');
          lines.forEach((line, i) => {
            const overlaps = 16 * i < before.length + secretLength(value) && 16 * i + 16 > before.length;
            if (overlaps && line.trim() !== '' && line !== '*') expect(out).not.toContain(line.trim());
          });
          expect(out).toContain('dumping');
          expect(out).toContain('end of dump');
        }),
        fcParams(60),
      );
    });
  }
});

/** Dump tools that print `*` for lines identical to the one before, and the radix of their offsets. */
const COLLAPSING: readonly { name: string; args: string[]; radix: number }[] = [
  { name: 'hexdump -C', args: ['hexdump', '-C'], radix: 16 },
  { name: 'od -tx1', args: ['od', '-tx1'], radix: 8 },
  { name: 'od -Ax -tx1', args: ['od', '-Ax', '-tx1'], radix: 16 },
  { name: 'od -Ad -tx1', args: ['od', '-Ad', '-tx1'], radix: 10 },
];

/** Random bytes, a run of one byte (48+: two whole identical lines wherever it starts), random bytes: a key file's zero padding, say. */
const paddedValueArb = fc
  .tuple(fc.noBias(fc.uint8Array({ minLength: 4, maxLength: 30 })), fc.nat(255), fc.integer({ min: 48, max: 120 }), fc.noBias(fc.uint8Array({ minLength: 4, maxLength: 30 })))
  .map(([head, fill, n, tail]) => Buffer.concat([head, Buffer.alloc(n, fill), tail]));

describe('the redactor masks hex dumps whose lines were collapsed to `*`', () => {
  for (const form of COLLAPSING) {
    it(`${form.name}: every shown line with a byte of a value that runs through a \`*\` is masked, any chunk split`, async () => {
      await fc.assert(
        fc.asyncProperty(paddedValueArb, aroundArb, aroundArb, cutsArb, pickArb, async (value, before, after, cuts, pick) => {
          const dump = tool(form.args, Buffer.concat([before, value, after]));
          expect(dump).toContain('\n*\n'); // the case under test
          const redactor = createRedactor({ lineHoldMs: 60_000 });
          redactor.add('v', value);
          const out = await throughStream(redactor, decorate(`dumping\n${dump}end of dump\n`, pick, false), cuts);
          // A line shows bytes [offset, offset + 16): the offsets say which, with lines left out.
          for (const line of dump.split('\n')) {
            const offset = Number.parseInt(line.split(' ')[0]!, form.radix);
            const shows = line.trim().split(/\s+/).length > 1;
            const overlaps = offset < before.length + secretLength(value) && offset + 16 > before.length;
            if (shows && overlaps) expect(out).not.toContain(line.trim());
          }
          expect(out).toContain('dumping');
          expect(out).toContain('end of dump');
        }),
        fcParams(40),
      );
    });
  }

  it("busybox hexdump's stray `*` before a short last line (CI counterexample) no longer splits the value", async () => {
    const before = Buffer.from([0xec, 0, 0, 0, 0, 0]);
    const value = Buffer.from([0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 0xec]);
    const dump = tool(['hexdump', '-C'], Buffer.concat([before, value]));
    expect(dump.split('\n')[1]).toBe('*');
    const redactor = createRedactor({ lineHoldMs: 60_000 });
    redactor.add('v', value);
    const out = await throughStream(redactor, `dumping\n${dump}end\n`, []);
    expect(out).toBe('dumping\n***\n*\n***\n00000011\nend\n');
  });

  it('od -An has no offsets: the lines on either side of its `*` are masked only where they hold the value whole', async () => {
    // Documented in docs/audit.md ("What is not found"): without offsets the left-out lines cannot be told.
    const value = Buffer.concat([randomBytes(8), Buffer.alloc(60), randomBytes(8)]);
    const dump = tool(['od', '-An', '-tx1'], value);
    expect(dump).toContain('\n*\n');
    const redactor = createRedactor({ lineHoldMs: 60_000 });
    redactor.add('v', value);
    expect(await throughStream(redactor, dump, [])).toBe(dump);
  });
});

describe('the redactor leaves ordinary output alone', () => {
  // Wrapped base64, xxd -p, dumps and hashes of OTHER data, armour lines, short and repetitive lines.
  const noiseLine = fc.oneof(
    fc.noBias(fc.uint8Array({ minLength: 1, maxLength: 200 })).map((d) => tool(['base64'], Buffer.from(d))),
    fc.noBias(fc.uint8Array({ minLength: 1, maxLength: 200 })).map((d) => tool(['xxd', '-p'], Buffer.from(d))),
    fc.noBias(fc.uint8Array({ minLength: 1, maxLength: 100 })).map((d) => tool(['xxd'], Buffer.from(d))),
    fc.noBias(fc.uint8Array({ minLength: 1, maxLength: 100 })).map((d) => tool(['od', '-An', '-tx1'], Buffer.from(d))),
    // Dumps with lines collapsed to `*` (the zero run), whose left-out lines are put back.
    fc.noBias(fc.uint8Array({ minLength: 1, maxLength: 60 })).map((d) => tool(['hexdump', '-C'], Buffer.concat([d, Buffer.alloc(64), d]))),
    fc.noBias(fc.uint8Array({ minLength: 1, maxLength: 60 })).map((d) => tool(['od', '-tx1'], Buffer.concat([d, Buffer.alloc(64), d]))),
    fc.constantFrom(
      '-----BEGIN OPENSSH PRIVATE KEY-----\n',
      '-----END OPENSSH PRIVATE KEY-----\n',
      '#5 0.231 Step 3/7 : RUN npm ci\n',
      'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n',
      '================================================\n',
      'sha256:2f1d8c0a9e3b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1\n',
    ),
    fc.stringMatching(/^[ -~]{0,100}\n$/),
  );

  it('random values never change text that does not hold them (wrapped and dumped data of other bytes, armour, hashes)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(noiseLine, { maxLength: 12 }), fc.noBias(fc.uint8Array({ minLength: 16, maxLength: 200 })), cutsArb, async (lines, value, cuts) => {
        const text = lines.join('');
        const redactor = createRedactor({ lineHoldMs: 60_000 });
        redactor.add('v', Buffer.from(value));
        expect(await throughStream(redactor, text, cuts)).toBe(text);
        expect(redactor.redact(text)).toBe(text);
      }),
      fcParams(80),
    );
  });

  it('a PEM key printed wrapped keeps its armour lines; the body lines are masked', () => {
    const key = randomBytes(180);
    // A value ending in a line break is searched without it, and the sextet that mixes its last byte
    // with the break stays visible: 1 random key in 256 ended so and left "…IK" on the last line.
    if (key[key.length - 1] === 0x0a) key[key.length - 1] = 0x0b;
    const pem = `-----BEGIN PRIVATE KEY-----\n${tool(['base64', '-w', '64'], key)}-----END PRIVATE KEY-----\n`;
    const redactor = createRedactor();
    redactor.add('key', key);
    const out = redactor.redact(pem);
    expect(out.split('\n')).toEqual(['-----BEGIN PRIVATE KEY-----', '***', '***', '***', '***', '-----END PRIVATE KEY-----', '']);
  });
});

describe('held lines are not held forever', () => {
  it('a line that may start a wrapped block is released after lineHoldMs of quiet, and nothing is lost', async () => {
    vi.useFakeTimers();
    try {
      const redactor = createRedactor({ lineHoldMs: 200 });
      const value = randomBytes(90);
      // A value that begins with a space: the byte masker rightly keeps the space of "Password: "
      // back (the value may follow it) until more output comes, whatever the line hold does.
      if (value[0] === 0x20) value[0] = 0x21;
      redactor.add('v', value);
      const stream = redactor.createStream();
      const seen: string[] = [];
      stream.on('data', (c: Buffer) => seen.push(c.toString()));
      // Ends in the first 40 characters of the value's base64: it might be the first line of the wrapped value.
      const first = `token ${value.toString('base64').slice(0, 40)}\n`;
      stream.write(first);
      stream.write('Password: ');
      await vi.advanceTimersByTimeAsync(150);
      expect(seen.join('')).toBe('');
      await vi.advanceTimersByTimeAsync(100);
      expect(seen.join('')).toBe(`${first}Password: `);
      stream.end('hunter2\n');
      await vi.runAllTimersAsync();
      expect(seen.join('')).toBe(`${first}Password: hunter2\n`);
    } finally {
      vi.useRealTimers();
    }
  });

  it('an ordinary line is passed on at once', () => {
    const redactor = createRedactor();
    redactor.add('v', randomBytes(40));
    const stream = redactor.createStream();
    const seen: Buffer[] = [];
    stream.on('data', (c: Buffer) => seen.push(c));
    stream.write('Step 2/5 : RUN make\n');
    return new Promise<void>((resolve) => {
      setImmediate(() => {
        expect(Buffer.concat(seen).toString()).toBe('Step 2/5 : RUN make\n');
        resolve();
      });
    });
  });
});
