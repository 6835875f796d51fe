/** Reading small response bodies (manifests, token replies) with a size cap, so a hostile server cannot exhaust memory. */
import type { Readable } from 'node:stream';
import { UnsupportedManifestError } from './registry-errors.js';
import { classifyNetworkError } from './registry-http.js';

/** The whole body, or an error when it is larger than `limit` bytes. */
export async function readCapped(body: Readable, limit: number, what: string, url?: URL): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        body.destroy();
        throw new UnsupportedManifestError(`${what} is larger than ${limit} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof UnsupportedManifestError) throw err;
    throw url ? classifyNetworkError(err, url) : err;
  }
  return Buffer.concat(chunks);
}

/** The body parsed as JSON; a malformed body is an {@link UnsupportedManifestError}. */
export async function readJson(body: Readable, limit: number, what: string): Promise<unknown> {
  const bytes = await readCapped(body, limit, what);
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    throw new UnsupportedManifestError(`${what} is not JSON`);
  }
}
