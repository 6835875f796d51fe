import { createHash } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { isBuildSecretsError } from '@buildsecrets/base';
import { formatPlatform, type BlobDescriptor, type ImageListing, type ImageSource } from './image-source.js';
import { blobPath } from './read-listing.js';

/** What {@link checkImageSource} learned about a source: compare it with what the test put there. */
export interface SourceConformance {
  /** Contract violations; empty for a conforming source. */
  readonly problems: readonly string[];
  /** One line per listed image: `linux/arm64 layers=2`, `attestation of linux/amd64 layers=1`, `- layers=3` without a platform. Sorted. */
  readonly images: readonly string[];
}

const sha256 = (): ReturnType<typeof createHash> => createHash('sha256');

async function digestOf(body: AsyncIterable<Uint8Array>, gunzip: boolean): Promise<{ digest: string; size: number; diffId?: string }> {
  const raw = sha256();
  const chunks = Readable.from(body);
  let size = 0;
  const inner = gunzip ? sha256() : undefined;
  const unzip = gunzip ? createGunzip() : undefined;
  let unzipFailed = false;
  // A layer that does not gunzip is the digest check's business (or the scanner's), not a crash here.
  const unzipped = unzip ? (async () => { for await (const c of unzip) inner!.update(c as Buffer); })().catch(() => (unzipFailed = true)) : undefined;
  for await (const chunk of chunks) {
    const b = chunk as Buffer;
    raw.update(b);
    size += b.length;
    if (unzip && !unzipFailed && !unzip.write(b)) await new Promise((r) => { unzip.once('drain', r); unzip.once('close', r); });
  }
  if (!unzipFailed) unzip?.end();
  await unzipped;
  return { digest: `sha256:${raw.digest('hex')}`, size, ...(inner && !unzipFailed ? { diffId: `sha256:${inner.digest('hex')}` } : {}) };
}

const isGzip = (d: BlobDescriptor): boolean => d.mediaType.endsWith('+gzip') || d.mediaType.endsWith('.tar.gzip');

/**
 * The shared contract test of every {@link ImageSource}: read all of it the way the scanner does
 * and check what it claims — every listed config and layer can be read (random access: opened,
 * all at once; sequential: it went by in the stream, links followed), its bytes hash to its digest and size, an
 * uncompressed (or gunzipped) layer hashes to its diff id, a sequential source refuses `list()`
 * before its blobs were read, an aborted signal is refused with a typed error, and `close()` may be
 * called twice. Returns the problems (none for a conforming source) and a summary of the images.
 *
 * @example
 * ```ts
 * const result = await checkImageSource(() => ociLayoutSource('./layout'));
 * expect(result.problems).toEqual([]);
 * expect(result.images).toEqual(['linux/amd64 layers=2', 'linux/arm64 layers=2']);
 * ```
 */
export async function checkImageSource(open: () => ImageSource | Promise<ImageSource>): Promise<SourceConformance> {
  const problems: string[] = [];
  const aborted = AbortSignal.abort();
  const first = await open();
  try {
    if (first.access === 'random') await first.list(aborted);
    else for await (const _ of first.blobs(aborted)) break;
    problems.push('an aborted signal was not refused');
  } catch (err) {
    if (!isBuildSecretsError(err)) problems.push(`an aborted signal gave an untyped error: ${String(err)}`);
  } finally {
    await first.close();
  }

  const source = await open();
  const signal = new AbortController().signal;
  const seen = new Map<string, { digest: string; size: number; diffId?: string }>();
  const links = new Map<string, string>();
  let listing: ImageListing;
  try {
    if (source.access === 'random') {
      listing = await source.list(signal);
      const blobs = new Map<string, BlobDescriptor>();
      for (const image of listing.images) for (const d of [image.config, ...image.layers]) blobs.set(d.digest, d);
      await Promise.all([...blobs.values()].map(async (d) => {
        try {
          seen.set(d.digest, await digestOf(await source.openBlob(d, signal), isGzip(d)));
        } catch (err) {
          problems.push(`blob ${d.digest} could not be read: ${err instanceof Error ? err.message : String(err)}`);
        }
      }));
    } else {
      try {
        source.list();
        problems.push('list() answered before the blobs were read');
      } catch (err) {
        if (!isBuildSecretsError(err)) problems.push(`list() before the blobs gave an untyped error: ${String(err)}`);
      }
      for await (const blob of source.blobs(signal)) {
        if (blob.linkTo !== undefined) {
          links.set(blob.path, blob.linkTo);
          continue;
        }
        seen.set(blob.path, await digestOf(blob.body, false));
      }
      listing = source.list();
    }
  } finally {
    await source.close();
    await source.close();
  }

  for (const image of listing.images) {
    for (const d of [image.config, ...image.layers]) {
      const path = d.path ?? blobPath(d.digest);
      const got = seen.get(d.digest) ?? seen.get(links.get(path) ?? path);
      if (!got) {
        problems.push(`listed blob ${d.path ?? d.digest} was never produced`);
        continue;
      }
      if (d.digest !== '' && got.digest !== d.digest) problems.push(`blob ${d.path ?? d.digest} hashes to ${got.digest}`);
      if (d.size >= 0 && got.size !== d.size) problems.push(`blob ${d.digest} has ${got.size} bytes, listed as ${d.size}`);
      if (d.diffId && image.layers.includes(d) && (got.diffId ?? got.digest) !== d.diffId && !(got.diffId === undefined && isGzip(d))) problems.push(`layer ${d.digest} does not match its diff id ${d.diffId}`);
    }
  }
  const platforms = new Map(listing.images.map((i) => [i.manifest.digest, i.platform ? formatPlatform(i.platform) : '-']));
  const images = listing.images.map((i) => `${i.attests !== undefined ? `attestation of ${platforms.get(i.attests) ?? i.attests}` : i.platform ? formatPlatform(i.platform) : '-'} layers=${i.layers.length}`).sort();
  return { problems, images };
}
