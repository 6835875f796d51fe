import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretValue } from '@buildsecrets/base';
import { fcParams } from './__fixtures__/fc-seed.js';
import { dockerArchive, tar } from './__fixtures__/tar-builder.js';
import { auditImage } from './audit-image.js';

/*
 * The oracle for every encoding is a tool that does not share code with the auditor: Node's own
 * encoders, and the system's `base64`, `xxd`, `od` and `hexdump` (busybox applets, so the tests
 * run wherever the e2e images can be built). A form counts as found only when the report names
 * one of the encodings listed for it.
 */

const dir = mkdtempSync(join(tmpdir(), 'bs-audit-enc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function tool(args: readonly string[], input: Buffer): Buffer {
  return execFileSync('busybox', args, { input, maxBuffer: 1 << 24 });
}

const crlf = (b: Buffer): Buffer => Buffer.from(b.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
const isUtf8 = (v: Buffer): boolean => Buffer.from(v.toString('utf8'), 'utf8').equals(v);

/** One way a tool writes `data` (which embeds the value), and the encodings the report may name for it. */
interface Form {
  readonly name: string;
  readonly make: (data: Buffer, value: Buffer) => Buffer | undefined;
  readonly accept: readonly string[];
}

const FORMS: readonly Form[] = [
  { name: 'raw', make: (d) => d, accept: ['raw'] },
  { name: 'base64', make: (d) => Buffer.from(d.toString('base64')), accept: ['base64'] },
  { name: 'base64url', make: (d) => Buffer.from(d.toString('base64url')), accept: ['base64url', 'base64'] },
  { name: 'hex', make: (d) => Buffer.from(d.toString('hex')), accept: ['hex'] },
  // A value whose hex has no letters (digits only) has one hex form, reported as `hex`.
  { name: 'HEX', make: (d) => Buffer.from(d.toString('hex').toUpperCase()), accept: ['hex-upper', 'hex'] },
  { name: 'encodeURIComponent', make: (_d, v) => (isUtf8(v) ? Buffer.from(`q=${encodeURIComponent(v.toString('utf8'))}&x=1`) : undefined), accept: ['url', 'raw'] },
  { name: 'URLSearchParams', make: (_d, v) => (isUtf8(v) ? Buffer.from(new URLSearchParams({ q: v.toString('utf8'), x: '1' }).toString()) : undefined), accept: ['url', 'url-form', 'raw'] },
  { name: 'lowercase %xx', make: (_d, v) => (isUtf8(v) ? Buffer.from(encodeURIComponent(v.toString('utf8')).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())) : undefined), accept: ['url', 'raw'] },
  // A value made only of characters RFC 3986 encodes has one percent form, reported as `url`.
  { name: 'every byte %XX', make: (_d, v) => Buffer.from([...v].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('')), accept: ['url-full', 'url', 'url-form'] },
  { name: 'JSON.stringify', make: (_d, v) => (isUtf8(v) ? Buffer.from(JSON.stringify({ token: v.toString('utf8') })) : undefined), accept: ['json', 'raw'] },
  { name: 'utf16le', make: (_d, v) => (isUtf8(v) ? Buffer.from(`x${v.toString('utf8')}y`, 'utf16le') : undefined), accept: ['utf16le'] },
  { name: 'base64 -w 76', make: (d) => tool(['base64'], d), accept: ['base64', 'base64-wrapped'] },
  { name: 'base64 -w 64', make: (d) => tool(['base64', '-w', '64'], d), accept: ['base64', 'base64-wrapped'] },
  { name: 'base64 -w 76 (CRLF)', make: (d) => crlf(tool(['base64'], d)), accept: ['base64', 'base64-wrapped'] },
  { name: 'base64 -w 64 (CRLF)', make: (d) => crlf(tool(['base64', '-w', '64'], d)), accept: ['base64', 'base64-wrapped'] },
  { name: 'xxd -p', make: (d) => tool(['xxd', '-p'], d), accept: ['hex', 'hex-wrapped'] },
  // A printable value short enough for one row also shows in the text column: found raw, which is right.
  { name: 'xxd', make: (d) => tool(['xxd'], d), accept: ['hex-dump', 'raw'] },
  { name: 'od -An -tx1', make: (d) => tool(['od', '-An', '-tx1'], d), accept: ['hex-dump'] },
  { name: 'hexdump -C', make: (d) => tool(['hexdump', '-C'], d), accept: ['hex-dump', 'raw'] },
];

async function auditFile(body: Buffer, value: Buffer): Promise<string[]> {
  const layer = tar([{ name: 'noise.txt', body: 'nothing here\n' }, { name: 'out/planted', body }]);
  const path = join(dir, `a-${n++}.tar`);
  writeFileSync(path, dockerArchive([layer], { config: { Env: ['PATH=/bin'] }, history: [] }));
  const report = await auditImage({ archive: path, secrets: [{ id: 'v', value: SecretValue.from(value) }] });
  return report.findings.filter((f) => f.location.kind === 'layer' && f.location.path === 'out/planted').map((f) => f.encoding);
}

// Unbiased bytes: fast-check's default bias towards small values gives runs of zeros, which are not what secrets look like.
// A value whose own last byte is a line break is searched without it (the newline rule): keep the oracle simple.
const endsClean = (v: Uint8Array): boolean => v[v.length - 1] !== 0x0a && v[v.length - 1] !== 0x0d;
const valueArb = fc.noBias(fc.uint8Array({ minLength: 8, maxLength: 90 })).filter((v) => new Set(v).size >= 4 && endsClean(v));
const textValueArb = fc.stringMatching(/^[A-Za-z0-9!*'()~._\-+/=:@ ]{8,90}$/).filter((v) => new Set(v).size >= 4);

describe('auditImage finds values written by independent encoders', () => {
  for (const form of FORMS) {
    it(`${form.name}: found at any offset and named ${form.accept.join(' or ')}`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(valueArb, textValueArb.map((t) => Buffer.from(t))), fc.uint8Array({ maxLength: 70 }), fc.uint8Array({ maxLength: 70 }), fc.boolean(), async (raw, before, after, newline) => {
          const value = Buffer.from(raw);
          // The secret file may end in a newline the build strips ($(cat file)); the written form never has it.
          const secret = newline ? Buffer.concat([value, Buffer.from('\n')]) : value;
          const body = form.make(Buffer.concat([before, value, after]), value);
          if (!body) return;
          const found = await auditFile(body, secret);
          expect(found.some((e) => form.accept.includes(e)), `${form.name} named ${JSON.stringify(found)}`).toBe(true);
        }),
        fcParams(form.make.length === 1 && form.name.includes(' ') ? 25 : 60),
      );
    });
  }
});

/** Random bytes, a run of one byte (48+: two whole identical lines wherever it starts), random bytes. */
const paddedValueArb = fc
  .tuple(fc.noBias(fc.uint8Array({ minLength: 4, maxLength: 30 })), fc.nat(255), fc.integer({ min: 48, max: 120 }), fc.noBias(fc.uint8Array({ minLength: 4, maxLength: 30 })))
  .map(([head, fill, n, tail]) => Buffer.concat([head, Buffer.alloc(n, fill), tail]))
  .filter((v) => endsClean(v));

describe('auditImage finds a value whose dump lines were collapsed to `*`', () => {
  // The tools print `*` for lines identical to the one before; the offsets say how many were left out.
  for (const args of [['hexdump', '-C'], ['od', '-tx1'], ['od', '-Ax', '-tx1'], ['od', '-Ad', '-tx1']]) {
    it(`${args.join(' ')}: found, named hex-dump`, async () => {
      await fc.assert(
        fc.asyncProperty(paddedValueArb, fc.noBias(fc.uint8Array({ maxLength: 40 })), fc.noBias(fc.uint8Array({ maxLength: 40 })), async (value, before, after) => {
          const body = tool(args, Buffer.concat([before, value, after]));
          expect(body.toString('latin1')).toContain('\n*\n'); // the case under test
          expect(await auditFile(body, value)).toContain('hex-dump');
        }),
        fcParams(25),
      );
    });
  }
});
