/** Write an octal field of `width` bytes (digits, then NUL), as ustar headers hold numbers. */
function octal(header: Buffer, offset: number, width: number, value: number): void {
  header.write(value.toString(8).padStart(width - 1, '0'), offset, width - 1, 'ascii');
}

/** Split a name into ustar's `prefix` (155) and `name` (100) fields. */
function splitName(name: string): { prefix: string; base: string } {
  if (Buffer.byteLength(name) <= 100) return { prefix: '', base: name };
  for (let i = name.indexOf('/'); i !== -1; i = name.indexOf('/', i + 1)) {
    const [prefix, base] = [name.slice(0, i), name.slice(i + 1)];
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(base) <= 100) return { prefix, base };
  }
  throw new Error(`file name too long for a ustar archive: ${name.length} characters`);
}

/**
 * A ustar archive of regular files (mode 0400, owner root), the shape `sneaker pack` writes: one
 * header block per file, its bytes padded to 512, then two zero blocks.
 */
export function writeUstar(files: Readonly<Record<string, string | Uint8Array>>): Buffer {
  const blocks: Buffer[] = [];
  const mtime = Math.floor(Date.now() / 1000);
  for (const [name, content] of Object.entries(files)) {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
    const header = Buffer.alloc(512);
    const { prefix, base } = splitName(name);
    header.write(base, 0, 100, 'utf8');
    octal(header, 100, 8, 0o400);
    octal(header, 108, 8, 0);
    octal(header, 116, 8, 0);
    octal(header, 124, 12, data.length);
    octal(header, 136, 12, mtime);
    header.fill(' ', 148, 156);
    header.write('0', 156, 'ascii');
    header.write('ustar\u000000', 257, 'ascii');
    header.write('root', 265, 'ascii');
    header.write('root', 297, 'ascii');
    header.write(prefix, 345, 155, 'utf8');
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'ascii');
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
