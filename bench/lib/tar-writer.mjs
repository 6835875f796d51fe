// Minimal ustar writer for benchmark fixtures (names < 100 bytes, regular files only).

/** A 512-byte ustar header for a regular file. */
export function tarHeader(name, size) {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write('0', 156);
  h.write('ustar\u000000', 257, 'latin1');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

/** Zero padding after a body of `size` bytes. */
export function tarPadding(size) {
  return Buffer.alloc((512 - (size % 512)) % 512);
}

/** The end-of-archive marker. */
export const TAR_END = Buffer.alloc(1024);

/** Write `chunk` to a writable stream, waiting for drain when its buffer is full. */
export async function write(stream, chunk) {
  if (!stream.write(chunk)) await new Promise((resolve) => stream.once('drain', resolve));
}
