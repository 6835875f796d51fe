import { AuditError } from '../errors/error-classes.js';
import { ByteReader } from './byte-reader.js';
import { BLOCK, isZeroBlock, parseHeader, parsePax } from './tar-header.js';

/** Kinds of tar entries the auditor distinguishes. */
export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

/** One entry of a tar stream. Its body must be read (or left alone) before asking for the next entry. */
export interface TarEntry {
  /** Path inside the archive, with PAX / GNU long names applied. */
  readonly path: string;
  /** What the entry is. */
  readonly type: TarEntryType;
  /** Body size in bytes. */
  readonly size: number;
  /** Link target for links, otherwise empty. */
  readonly linkPath: string;
  /** The body, streamed in chunks as they arrive. */
  readonly body: AsyncIterable<Buffer>;
}

/** Long names and PAX records are metadata; anything bigger than this is a broken archive. */
const MAX_META = 1 << 20;

function typeOf(flag: string): TarEntryType {
  if (flag === '0' || flag === '7') return 'file';
  if (flag === '5') return 'directory';
  if (flag === '2') return 'symlink';
  if (flag === '1') return 'hardlink';
  return 'other';
}

const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;

/**
 * Read a tar stream (ustar, GNU long names and links, PAX extended headers) entry by entry,
 * streaming each body, so entries of any size pass in constant memory. Truncated input or a
 * header that is not a tar header throws {@link AuditError}; `where` names the archive in it.
 */
export async function* readTar(source: AsyncIterable<Uint8Array> | ByteReader, where: string): AsyncGenerator<TarEntry> {
  const reader = source instanceof ByteReader ? source : new ByteReader(source);
  const truncated = (): AuditError => new AuditError(`${where} is truncated (the tar stream ended inside an entry)`, { hint: 'the archive is incomplete: save the image again' });
  let remaining = 0;
  const skipBody = async (): Promise<void> => {
    while (remaining > 0) {
      const chunk = await reader.chunk(remaining);
      if (chunk.length === 0) throw truncated();
      remaining -= chunk.length;
    }
  };
  const readMeta = async (size: number): Promise<Buffer> => {
    if (size > MAX_META) throw new AuditError(`${where} has an oversized tar metadata entry`);
    const body = await reader.read(size + padding(size));
    if (body.length < size + padding(size)) throw truncated();
    return body.subarray(0, size);
  };

  let longName: string | undefined;
  let longLink: string | undefined;
  let pax = new Map<string, string>();
  for (;;) {
    const block = await reader.read(BLOCK);
    if (block.length < BLOCK) throw truncated();
    if (isZeroBlock(block)) break;
    const header = parseHeader(block, where);
    if (header.type === 'L' || header.type === 'K') {
      const name = (await readMeta(header.size)).toString('utf8').replace(/\0+$/, '');
      if (header.type === 'L') longName = name;
      else longLink = name;
      continue;
    }
    if (header.type === 'x' || header.type === 'g') {
      const records = parsePax(await readMeta(header.size), where);
      // Global records rarely carry paths; only per-entry records are applied.
      if (header.type === 'x') pax = records;
      continue;
    }
    const paxSize = pax.get('size');
    const size = paxSize !== undefined && /^\d+$/.test(paxSize) ? Number(paxSize) : header.size;
    const entry: TarEntry = {
      path: pax.get('path') ?? longName ?? header.name,
      type: typeOf(header.type),
      size,
      linkPath: pax.get('linkpath') ?? longLink ?? header.linkName,
      body: {
        async *[Symbol.asyncIterator]() {
          while (remaining > 0) {
            const chunk = await reader.chunk(remaining);
            if (chunk.length === 0) throw truncated();
            remaining -= chunk.length;
            yield chunk;
          }
        },
      },
    };
    longName = undefined;
    longLink = undefined;
    pax = new Map();
    // Links and directories may carry a size field but never a body.
    remaining = entry.type === 'file' || entry.type === 'other' ? size : 0;
    const pad = remaining > 0 ? padding(size) : 0;
    yield entry;
    await skipBody();
    if (pad > 0 && (await reader.read(pad)).length < pad) throw truncated();
  }
  // The end marker may be followed by record padding: consume it so the producer never stalls.
  await reader.drain();
}
