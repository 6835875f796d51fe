/**
 * An image read from a registry, presented as an OCI image layout in tar form (`oci-layout`,
 * `index.json`, `blobs/<alg>/<hex>`), produced on the fly: the audit's archive reader consumes it
 * in one pass, exactly as it reads an `oci-archive`. Nothing is written to disk; the next layers
 * are fetched concurrently into a bounded read-ahead while the current one is scanned.
 */
import { Prefetch } from './prefetch.js';

/** One file of the synthesized archive. */
export interface TarItem {
  readonly path: string;
  readonly size: number;
  /** Bytes in memory, or a stream that yields exactly `size` bytes. */
  readonly body: Buffer | (() => AsyncIterator<Uint8Array>);
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** A ustar header for a regular file (sizes past 8 GiB in base-256, as GNU tar writes them). */
export function tarHeader(path: string, size: number): Buffer {
  const header = Buffer.alloc(BLOCK);
  header.write(path.slice(0, 100), 0, 'utf8');
  header.write(octal(0o644, 8), 100);
  header.write(octal(0, 8), 108);
  header.write(octal(0, 8), 116);
  if (size < 8 ** 11) header.write(octal(size, 12), 124);
  else {
    header[124] = 0x80;
    let rest = BigInt(size);
    for (let i = 135; i > 124; i--) {
      header[i] = Number(rest & 0xffn);
      rest >>= 8n;
    }
  }
  header.write(octal(0, 12), 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(octal(sum, 7) + ' ', 148);
  return header;
}

/** The archive's bytes: each item's header, body and padding, then two zero blocks. */
export async function* ociTarStream(items: readonly TarItem[], readAhead: { concurrency: number; bytesPerBlob: number }): AsyncGenerator<Uint8Array> {
  const streams = items.map((item) => (typeof item.body === 'function' ? new Prefetch(item.body(), readAhead.bytesPerBlob) : undefined));
  let next = 0;
  const startAhead = (from: number): void => {
    let running = 0;
    for (let i = from; i < streams.length && running < readAhead.concurrency; i++) {
      if (!streams[i]) continue;
      streams[i]!.start();
      running++;
    }
    next = from;
  };
  try {
    for (let i = 0; i < items.length; i++) {
      startAhead(i);
      const item = items[i]!;
      yield tarHeader(item.path, item.size);
      const body = streams[i];
      if (body) for await (const chunk of body) yield chunk;
      else yield item.body as Buffer;
      const pad = (BLOCK - (item.size % BLOCK)) % BLOCK;
      if (pad > 0) yield Buffer.alloc(pad);
    }
    yield Buffer.alloc(BLOCK * 2);
  } finally {
    await Promise.all(streams.slice(next).map((s) => s?.stop()));
  }
}
