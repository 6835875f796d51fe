import { execFile } from 'node:child_process';
import { mkdtemp, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { DOCKER_BIN, E2E_ENV } from './engine.js';

const run = promisify(execFile);

/** One place a needle was found. */
export interface ScanHit {
  readonly needle: string;
  readonly form: 'raw' | 'base64' | 'hex';
  readonly where: string;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** Whether a blob is JSON (an OCI config, manifest or index), judged by its first non-blank byte. */
async function isJson(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64), 0, 64, 0);
    const first = buffer.subarray(0, bytesRead).toString('latin1').trimStart()[0];
    return first === '{' || first === '[';
  } finally {
    await handle.close();
  }
}

/**
 * The tests' own, independent scan of a built image: `docker save`, unpack with the system `tar`,
 * unpack every layer, and search every file (config, manifest, history, layer files — including
 * ones a later layer deletes) for each needle raw, in base64 and in hex. Deliberately shares no
 * code with the product's auditor, so a bug there cannot hide a leak here.
 */
export async function scanImage(image: string, needles: Record<string, string | Buffer>): Promise<ScanHit[]> {
  const dir = await mkdtemp(join(tmpdir(), 'bs-e2e-scan-'));
  try {
    const archive = join(dir, 'image.tar');
    await run(DOCKER_BIN, ['save', '-o', archive, image], { env: { ...process.env, ...E2E_ENV }, maxBuffer: 1 << 26 });
    const top = join(dir, 'x');
    await run('mkdir', ['-p', top]);
    await run('tar', ['-xf', archive, '-C', top]);
    const files = await walk(top);
    for (const file of files.filter((f) => f.endsWith('layer.tar') || /blobs\/sha256\/[0-9a-f]{64}$/.test(f))) {
      const target = `${file}.d`;
      // OCI configs and manifests are blobs too: JSON is searched as it is. Anything else is a layer,
      // and a layer tar cannot unpack is a failure (a scanner that skips it would report it clean).
      if (await isJson(file)) continue;
      await run('mkdir', ['-p', target]);
      await run('tar', ['-xf', file, '-C', target]).catch((error: unknown) => {
        throw new Error(`scanImage: cannot unpack layer ${relative(top, file)} of ${image}: ${String((error as Error).message).slice(0, 300)}`);
      });
    }
    const hits: ScanHit[] = [];
    const forms = Object.entries(needles).flatMap(([name, value]) => {
      const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value);
      return [
        { name, form: 'raw' as const, bytes },
        { name, form: 'base64' as const, bytes: Buffer.from(bytes.toString('base64')) },
        { name, form: 'hex' as const, bytes: Buffer.from(bytes.toString('hex')) },
      ];
    });
    for (const file of await walk(top)) {
      if ((await stat(file)).size > 256 * 1024 * 1024) throw new Error(`scanImage: ${relative(top, file)} is too large to search; the test image must stay small`);
      const content = await readFile(file);
      for (const f of forms) if (content.includes(f.bytes)) hits.push({ needle: f.name, form: f.form, where: relative(top, file) });
    }
    return hits;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
