import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { InvalidSecretError, type SecretRequest } from '@buildsecrets/core';

/**
 * Read a regular file of at most `limit` bytes. The size is checked on the open descriptor before
 * reading, and again while reading in case the file grows. `O_NONBLOCK` keeps a FIFO from
 * blocking the open; `O_NOFOLLOW` refuses a symlink swapped in after the path was checked.
 */
export async function readCapped(path: string, limit: number, request: SecretRequest, provider: string, what = 'secret'): Promise<Buffer> {
  const tooLarge = (size: string): InvalidSecretError =>
    new InvalidSecretError(`${what} "${request.id}" (${request.ref}) is ${size}, more than the ${limit}-byte limit`, {
      secretId: request.id,
      provider,
      hint: 'BuildKit refuses secrets over 500 KiB; store a smaller value (for example an archive key instead of the archive)',
    });
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new InvalidSecretError(`${what} "${request.id}" (${request.ref}) is not a regular file`, { secretId: request.id, provider });
    }
    if (info.size > limit) throw tooLarge(`${info.size} bytes`);
    const buffer = Buffer.alloc(limit + 1);
    let total = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, total, buffer.length - total, total);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > limit) {
        buffer.fill(0);
        throw tooLarge('growing');
      }
    }
    const out = Buffer.from(buffer.subarray(0, total));
    buffer.fill(0);
    return out;
  } finally {
    await handle.close();
  }
}
