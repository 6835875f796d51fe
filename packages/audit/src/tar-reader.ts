import { AuditError } from '@buildsecrets/base';
import { ByteReader } from './byte-reader.js';
import { BLOCK, isZeroBlock, parseHeader } from './tar-header.js';
import { bodySize, isMetaType, padding, PendingMeta, type TarEntryInfo } from './tar-entry.js';

export type { TarEntryType } from './tar-entry.js';

/** One entry of a tar stream. Its body must be read (or left alone) before asking for the next entry. */
export interface TarEntry extends TarEntryInfo {
  /** The body, streamed in chunks as they arrive. */
  readonly body: AsyncIterable<Buffer>;
}

/**
 * Read a tar stream (ustar, GNU long names and links, PAX extended headers) entry by entry,
 * streaming each body, so entries of any size pass in constant memory. Truncated input or a
 * header that is not a tar header throws {@link AuditError}; `where` names the archive in it.
 */
export async function* readTar(source: AsyncIterable<Uint8Array> | ByteReader, where: string): AsyncGenerator<TarEntry> {
  const reader = source instanceof ByteReader ? source : new ByteReader(source);
  const truncated = (): AuditError => new AuditError(`${where} is truncated (the tar stream ended inside an entry)`, { hint: 'the archive is incomplete: save the image again' });
  let remaining = 0;
  // What the consumer left of a body is skipped (without reading it, when the source is a file).
  const skipBody = async (): Promise<void> => {
    if (remaining === 0) return;
    const skipped = await reader.skip(remaining);
    remaining -= skipped;
    if (remaining > 0) throw truncated();
  };
  const meta = new PendingMeta();
  for (let first = true; ; first = false) {
    const block = await reader.read(BLOCK);
    // Shorter than one header from the start: not a tar archive at all (a text file, say), not a cut-off one.
    if (first && block.length < BLOCK) throw new AuditError(`${where} is not a tar archive (${block.length} bytes, shorter than one tar header)`, { hint: 'audit reads an image archive: `docker save` / `podman save` output or an OCI layout tar' });
    if (block.length < BLOCK) throw truncated();
    if (isZeroBlock(block)) break;
    const header = parseHeader(block, where);
    if (isMetaType(header.type)) {
      PendingMeta.check(header, where);
      const length = header.size + padding(header.size);
      const body = await reader.read(length);
      if (body.length < length) throw truncated();
      meta.record(header, body.subarray(0, header.size), where);
      continue;
    }
    const info = meta.entryFor(header);
    const entry: TarEntry = {
      ...info,
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
    remaining = bodySize(info);
    const pad = remaining > 0 ? padding(info.size) : 0;
    yield entry;
    await skipBody();
    if (pad > 0 && (await reader.read(pad)).length < pad) throw truncated();
  }
  // The end marker may be followed by record padding: consume it so the producer never stalls.
  await reader.drain();
}
