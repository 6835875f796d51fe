/** One regular file of a TAR archive. */
export interface TarFile {
  readonly name: string;
  readonly data: Uint8Array;
}

const BLOCK = 512;

function field(block: Uint8Array, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return Buffer.from(end === -1 ? raw : raw.subarray(0, end)).toString('utf8');
}

function octal(block: Uint8Array, offset: number, length: number): number {
  const text = field(block, offset, length).trim();
  if (!/^[0-7]*$/.test(text)) return Number.NaN;
  return text === '' ? 0 : parseInt(text, 8);
}

/** The name a TAR gives a file, normalised for lookup: no leading `./` or `/`. */
export function normaliseTarName(name: string): string {
  return name.replace(/^(\.\/|\/)+/, '');
}

/**
 * The regular files of a ustar/GNU/PAX archive (what Go's archive/tar and GNU tar write), with
 * GNU long names and PAX `path` records applied. The data are views into `archive`, not copies.
 * Returns `undefined` when the bytes are not a well-formed archive.
 */
export function readTar(archive: Uint8Array): TarFile[] | undefined {
  const files: TarFile[] = [];
  let offset = 0;
  let longName: string | undefined;
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) return files;
    const size = octal(header, 124, 12);
    const stored = octal(header, 148, 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
    if (Number.isNaN(size) || sum !== stored) return undefined;
    const dataStart = offset + BLOCK;
    const data = archive.subarray(dataStart, dataStart + size);
    if (data.length !== size) return undefined;
    const type = String.fromCharCode(header[156]!);
    const prefix = field(header, 257, 6) === 'ustar' ? field(header, 345, 155) : '';
    const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = undefined;
    if (type === 'L') longName = Buffer.from(data).toString('utf8').replace(/\0+$/, '');
    else if (type === 'x') {
      const path = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(Buffer.from(data).toString('utf8'));
      if (path) longName = path[1];
    } else if (type === '0' || type === '\0' || type === '7') files.push({ name: normaliseTarName(name), data });
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  return undefined;
}
