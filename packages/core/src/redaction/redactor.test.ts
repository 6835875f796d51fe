import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SecretValue } from '../secret-value.js';
import { createRedactor } from './redactor.js';
import { buildPatterns } from '@buildsecrets/audit';
import { fcParams } from '../../../audit/src/__fixtures__/fc-seed.js';

const TOKEN = 'tok-3f9a1c7e55d2b8';

async function throughStream(redactor: ReturnType<typeof createRedactor>, chunks: Uint8Array[]): Promise<Buffer> {
  const stream = redactor.createStream();
  const out: Buffer[] = [];
  stream.on('data', (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  for (const c of chunks) stream.write(c);
  stream.end();
  await done;
  return Buffer.concat(out);
}

function splitAt(data: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    parts.push(data.subarray(prev, p));
    prev = p;
  }
  parts.push(data.subarray(prev));
  return parts;
}

describe('createRedactor', () => {
  it('masks a value raw and in each of its encodings', () => {
    const r = createRedactor();
    r.add('npm_token', SecretValue.from(TOKEN));
    const value = Buffer.from(TOKEN);
    const forms = [
      TOKEN,
      value.toString('base64'),
      value.toString('base64url'),
      value.toString('hex'),
      value.toString('hex').toUpperCase(),
      encodeURIComponent(TOKEN),
      JSON.stringify(TOKEN).slice(1, -1),
    ];
    for (const form of forms) expect(r.redact(`before ${form} after`)).toBe('before *** after');
  });

  it('finds base64 in every alignment inside a longer blob', () => {
    const r = createRedactor();
    r.add('key', TOKEN);
    for (const prefix of ['', 'x', 'xy', 'xyz']) {
      const blob = Buffer.from(`${prefix}${TOKEN}trailing-bytes`).toString('base64');
      const out = r.redact(blob);
      expect(out).toContain('***');
      for (const p of buildPatterns([{ id: 'key', value: TOKEN }]).patterns) expect(out).not.toContain(p.bytes.toString('latin1'));
    }
  });

  it('masks URL form encoding with + for spaces and JSON escapes', () => {
    const r = createRedactor();
    const value = 'pass word "quoted" \\ end';
    r.add('pw', value);
    expect(r.redact(`q=${encodeURIComponent(value).replace(/%20/g, '+')}&x=1`)).toBe('q=***&x=1');
    expect(r.redact(JSON.stringify({ pw: value }))).toBe('{"pw":"***"}');
  });

  it('names the secret with the id style', () => {
    const r = createRedactor({ style: 'id' });
    r.add('npm_token', TOKEN);
    expect(r.redact(`token=${TOKEN}`)).toBe('token=[secret:npm_token]');
  });

  it('masks the union of overlapping values once', () => {
    const r = createRedactor();
    r.add('a', 'abcdefgh12');
    r.add('b', 'fgh12345678');
    expect(r.redact('xx abcdefgh12345678 yy')).toBe('xx *** yy');
  });

  it('redacts values shorter than 4 bytes raw only', () => {
    const r = createRedactor();
    r.add('pin', 'q7z');
    expect(r.redact('pin q7z')).toBe('pin ***');
    expect(r.redact(Buffer.from('q7z').toString('hex'))).toBe('71377a');
  });

  it('never masks a 1-3 byte value inside an ordinary word, only where it stands alone', async () => {
    const r = createRedactor();
    r.add('ACC', 'x');
    expect(r.redact('export PATH; x=1; (x) ox xo _x')).toBe('export PATH; ***=1; (***) ox xo _x');
    // The same in a stream split next to the value: the neighbours are known before anything is emitted.
    const text = Buffer.from('export x\nmax x');
    for (let cut = 0; cut <= text.length; cut++) {
      expect((await throughStream(r, [text.subarray(0, cut), text.subarray(cut)])).toString()).toBe('export ***\nmax ***');
    }
  });

  it('masks a short value that was read with its trailing newline where it is printed without it', () => {
    const r = createRedactor();
    r.add('pin', 'q7z9\n');
    expect(r.redact('pin=q7z9 done')).toBe('pin=*** done');
    r.add('crlf', 'Zk3!\r\n');
    expect(r.redact('x Zk3! y')).toBe('x *** y');
  });

  it('masks the key body lines of an OpenSSH key but never its armour or its fixed header line', () => {
    const body = ['b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW', 'QyNTUxOQAAACDxq2Jd0Cw5Hk1sFm0p8Q0yPe3vJbA7v4hZl4m3g1X8zQAAAJgb2n0mG9p9'];
    const key = `-----BEGIN OPENSSH PRIVATE KEY-----\n${body.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
    const r = createRedactor();
    r.add('deploy_key', key);
    expect(r.redact('strings: -----BEGIN OPENSSH PRIVATE KEY-----')).toBe('strings: -----BEGIN OPENSSH PRIVATE KEY-----');
    expect(r.redact(body[0]!)).toBe(body[0]);
    expect(r.redact(`line ${body[1]}`)).toBe('line ***');
  });

  it('masks each long line of a multi-line value', () => {
    const pem = '-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nshort\n-----END KEY-----';
    const r = createRedactor();
    r.add('deploy_key', pem);
    expect(r.redact('step 3: MIIEvQIBADANBgkqhkiG9w0BAQEFAASC')).toBe('step 3: ***');
    expect(r.redact('short')).toBe('short');
  });

  it('counts distinct values and ignores empty ones', () => {
    const r = createRedactor();
    r.add('a', TOKEN);
    r.add('a', TOKEN);
    r.add('b', '');
    expect(r.size).toBe(1);
  });

  it('covers values added after a stream was created', async () => {
    const r = createRedactor();
    const stream = r.createStream();
    const out: Buffer[] = [];
    stream.on('data', (c: Buffer) => out.push(c));
    r.add('late', TOKEN);
    stream.end(Buffer.from(`x ${TOKEN} y`));
    await new Promise((resolve) => stream.on('end', resolve));
    expect(Buffer.concat(out).toString()).toBe('x *** y');
  });

  it('passes non-UTF-8 bytes through untouched', async () => {
    const r = createRedactor();
    r.add('a', TOKEN);
    const data = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x80, 0x00, 0xe2, 0x82]);
    expect(await throughStream(r, [data.subarray(0, 3), data.subarray(3)])).toEqual(data);
  });
});

const valueArb = fc.stringMatching(/^[A-Za-z0-9+/=_\- ."\\\n]{8,40}$/);

describe('createRedactor (properties)', () => {
  it('a stream split anywhere redacts like redact() and leaves no encoding of any value', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(valueArb, { minLength: 1, maxLength: 4 }),
        fc.string({ unit: 'binary', maxLength: 600 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat({ max: 8 })), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        async (values, noise, plants, cuts) => {
          const r = createRedactor();
          values.forEach((v, i) => r.add(`s${i}`, v));
          const { patterns } = buildPatterns(values.map((v, i) => ({ id: `s${i}`, value: v })), { minValueLength: 1, minEncodedLength: 4 });
          // Plant encodings at random offsets (pattern index, offset, and which encoding).
          let text = [...noise.replaceAll('*', '+')];
          for (const [which, at, enc] of plants) {
            const own = patterns.filter((p) => p.secretId === `s${which % values.length}`);
            const form = own[enc % own.length]!.bytes.toString('latin1');
            const offset = at % (text.length + 1);
            text = [...text.slice(0, offset), form, ...text.slice(offset)];
          }
          const data = Buffer.from(text.join(''), 'utf8');
          const streamed = await throughStream(r, splitAt(data, cuts));
          expect(streamed.toString('utf8')).toBe(r.redact(data.toString('utf8')));
          expect(streamed).toEqual(await throughStream(r, [data]));
          for (const p of patterns) expect(streamed.includes(p.bytes)).toBe(false);
        },
      ),
      fcParams(150),
    );
  });

  it('arbitrary byte values in independently produced encodings never survive a split stream', async () => {
    // The oracle is Node's own encoders, not the product's pattern list.
    const forms = (v: Buffer): Buffer[] => {
      const out = [v, ...[v.toString('base64'), v.toString('base64url'), v.toString('hex'), v.toString('hex').toUpperCase()].map((t) => Buffer.from(t))];
      const text = v.toString('utf8');
      // Text forms are written as UTF-8, as a program printing them would.
      if (Buffer.from(text, 'utf8').equals(v)) out.push(Buffer.from(encodeURIComponent(text)), Buffer.from(JSON.stringify(text).slice(1, -1), 'utf8'));
      return out;
    };
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 4, maxLength: 48 }),
        fc.uint8Array({ maxLength: 400 }),
        fc.nat(),
        fc.nat(),
        fc.array(fc.nat(), { maxLength: 12 }),
        async (raw, noise, which, at, cuts) => {
          const value = Buffer.from(raw);
          const r = createRedactor();
          r.add('v', value);
          const all = forms(value);
          const form = all[which % all.length]!;
          const offset = at % (noise.length + 1);
          const data = Buffer.concat([noise.subarray(0, offset), form, noise.subarray(offset)]);
          const streamed = await throughStream(r, splitAt(data, cuts));
          expect(streamed.includes(form)).toBe(false);
        },
      ),
      fcParams(200),
    );
  });

  it('data without values passes through unchanged, however it is split', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(), { maxLength: 10 }), async (bytes, cuts) => {
        const r = createRedactor();
        r.add('a', 'Zq!Zq!Zq!-never-in-noise-€');
        const data = Buffer.from(bytes);
        expect(await throughStream(r, splitAt(data, cuts))).toEqual(data);
      }),
      fcParams(150),
    );
  });
});
