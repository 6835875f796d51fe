import { createReadStream } from 'node:fs';
import { lstat, open, readdir, readlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { AuditError } from '@buildsecrets/base';
import type { LeakFinding } from '@buildsecrets/base';
import { buildPatterns } from './scanner/patterns.js';
import { auditImage } from './audit-image.js';
import { ByteReader } from './byte-reader.js';
import { decompressorFor, detectFormat, SNIFF_BYTES } from './blob-format.js';
import { ContentScanner } from './content-scanner.js';
import { scanLayerTar, type LayerScan } from './layer-scanner.js';
import { streamChunks } from './stream-chunks.js';
import type { AuditReport, AuditSecret } from './types.js';

/** What a build exported instead of (or besides) an image: `docker build --output`. */
export interface ExportTarget {
  /** `local` (a directory), `tar` (a tar of the filesystem), `oci` / `docker` (an image archive). */
  readonly type: string;
  /** Where it was written. */
  readonly dest: string;
}

async function walk(root: string, dir: string, scanner: ContentScanner, scan: LayerScan): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const path = relative(root, full);
    const stat = await lstat(full);
    const link = stat.isSymbolicLink() ? await readlink(full) : '';
    const inName = scanner.scanBytes(Buffer.from(`${path}\n${link}`, 'utf8'));
    const shown = inName.size > 0 ? scanner.maskText(path) : path;
    const hits = new Set(inName);
    if (stat.isDirectory()) await walk(root, full, scanner, scan);
    else if (stat.isFile()) {
      const { found, bytes } = await scanner.scanStream(createReadStream(full, { highWaterMark: 1 << 20 }));
      for (const i of found) hits.add(i);
      scan.files++;
      scan.bytes += bytes;
    }
    if (hits.size > 0) scan.hits.set(shown, hits);
  }
}

async function scanTarFile(path: string, scanner: ContentScanner): Promise<LayerScan> {
  const head = Buffer.alloc(SNIFF_BYTES);
  const file = await open(path, 'r');
  let length: number;
  try {
    ({ bytesRead: length } = await file.read(head, 0, SNIFF_BYTES, 0));
  } finally {
    await file.close();
  }
  const decompressor = decompressorFor(detectFormat(head.subarray(0, length)));
  if (decompressor && 'unsupported' in decompressor) throw new AuditError(`the export ${path} could not be read: ${decompressor.unsupported}`);
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (!decompressor) return scanLayerTar(new ByteReader(streamChunks(raw)), `export ${path}`, scanner);
  raw.on('error', (err) => decompressor.stream.destroy(err));
  raw.pipe(decompressor.stream);
  return scanLayerTar(new ByteReader(streamChunks(decompressor.stream)), `export ${path}`, scanner);
}

/**
 * Audit what `docker build --output` exported: an image archive (`type=oci`, `type=docker`) as an
 * image, a filesystem tar (`type=tar`) or directory (`type=local`) as one layer — every file and
 * every name searched in every encoding, as in {@link auditImage}.
 */
export async function auditExport(target: ExportTarget, secrets: readonly AuditSecret[], signal?: AbortSignal): Promise<AuditReport> {
  if (target.type === 'oci' || target.type === 'docker') return auditImage({ archive: target.dest, secrets, ...(signal ? { signal } : {}) });
  const { patterns, tooShort } = buildPatterns(secrets);
  const scanner = new ContentScanner(patterns);
  let scan: LayerScan = { hits: new Map(), deleted: new Set(), opaque: new Set(), files: 0, bytes: 0 };
  try {
    if (target.type === 'tar') scan = await scanTarFile(target.dest, scanner);
    else await walk(target.dest, target.dest, scanner, scan);
  } catch (err) {
    if (err instanceof AuditError) throw err;
    throw new AuditError(`the export ${target.dest} could not be read`, { cause: err });
  }
  const findings: LeakFinding[] = [];
  const seen = new Set<string>();
  for (const [path, found] of scan.hits) {
    for (const i of found) {
      const p = scanner.patterns[i]!;
      const finding: LeakFinding = { secretId: p.secretId, encoding: p.encoding, location: { kind: 'layer', layer: `export:${target.type}`, path } };
      const key = JSON.stringify(finding);
      if (!seen.has(key)) findings.push(finding);
      seen.add(key);
    }
  }
  return { source: target.dest, findings, preExisting: [], tooShort: [...tooShort], unscanned: [], stats: { layers: 1, files: scan.files, bytes: scan.bytes, baseLayers: 0 }, clean: findings.length === 0 };
}
