import type { ByteReader } from './byte-reader.js';
import type { ContentScanner, ContentSearch } from './content-scanner.js';
import { TarParser } from './tar-parser.js';

/** What one layer holds that matters to the audit. Paths are normalised (no leading `./` or `/`). */
export interface LayerScan {
  /** Files (or names) where patterns were found: path (already masked) → pattern indexes. */
  readonly hits: Map<string, Set<number>>;
  /** Paths this layer deletes from lower layers (`.wh.<name>` entries). */
  readonly deleted: Set<string>;
  /** Directories this layer makes opaque (`.wh..wh..opq`): everything below them in lower layers is hidden. */
  readonly opaque: Set<string>;
  /** Regular files read. */
  files: number;
  /** Uncompressed bytes read. */
  bytes: number;
}

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

/** Normalise a tar path: no leading `./` or `/`, no trailing `/`. */
export function normalisePath(path: string): string {
  return path.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
}

function recordWhiteout(scan: LayerScan, path: string): boolean {
  const slash = path.lastIndexOf('/');
  const dir = slash === -1 ? '' : path.slice(0, slash);
  const base = path.slice(slash + 1);
  if (base === OPAQUE) {
    scan.opaque.add(dir);
    return true;
  }
  if (base.startsWith(WHITEOUT)) {
    scan.deleted.add(dir ? `${dir}/${base.slice(WHITEOUT.length)}` : base.slice(WHITEOUT.length));
    return true;
  }
  return false;
}

function addHits(scan: LayerScan, path: string, found: Set<number>): void {
  if (found.size === 0) return;
  const set = scan.hits.get(path) ?? new Set<number>();
  for (const i of found) set.add(i);
  scan.hits.set(path, set);
}

/**
 * Search every file of one layer tar (bodies streamed, never buffered), plus entry names and link
 * targets, and note its whiteouts so findings in lower layers can say the file is deleted later.
 * The tar is parsed as chunks arrive (see {@link TarParser}): one hop per chunk, not one per layer
 * of readers, which on a large layer costs more than the search itself.
 */
export async function scanLayerTar(reader: ByteReader, where: string, scanner: ContentScanner): Promise<LayerScan> {
  const scan: LayerScan = { hits: new Map(), deleted: new Set(), opaque: new Set(), files: 0, bytes: 0 };
  let path = '';
  let isFile = false;
  let search: ContentSearch | undefined;
  const parser = new TarParser(
    {
      entry(entry) {
        const raw = normalisePath(entry.path);
        if (recordWhiteout(scan, raw)) return false;
        // A value used as a file name, link target, PAX record (xattr, comment, global header) or owner name is a leak too (reported under the masked name).
        const inName = scanner.scanBytes(Buffer.from(`${raw}\n${entry.linkPath}\n${entry.metadata}`, 'utf8'));
        // Nothing in name + link means nothing in the name alone: skip masking it.
        path = inName.size === 0 ? raw : scanner.maskText(raw);
        addHits(scan, path, inName);
        // `other` covers sparse and vendor entry types, whose stored bytes may still hold a value.
        if (entry.type !== 'file' && entry.type !== 'other') return false;
        isFile = entry.type === 'file';
        search = scanner.begin();
        return true;
      },
      body(chunk, start, end) {
        search!.push(chunk.subarray(start, end));
      },
      end() {
        if (isFile) scan.files++;
        const found = search!.finish();
        scan.bytes += search!.bytes;
        addHits(scan, path, found);
        search = undefined;
      },
    },
    where,
  );
  // After the end marker the rest (record padding) is still read, so the producer never stalls.
  for await (const chunk of reader.rest()) parser.write(chunk);
  parser.end();
  return scan;
}
