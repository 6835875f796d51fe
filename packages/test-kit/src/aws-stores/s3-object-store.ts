import { createHash, randomBytes } from 'node:crypto';

/** One stored version of an object (or a delete marker). */
export interface S3TestObjectVersion {
  readonly versionId: string;
  /** `undefined` for a delete marker. */
  readonly body: Buffer | undefined;
  /** Quoted MD5 of the body, as S3 sends it. */
  readonly etag: string;
  readonly lastModified: Date;
}

interface Bucket {
  readonly objects: Map<string, S3TestObjectVersion[]>;
  denied: Set<string>;
}

/** Buckets, objects and their versions for the S3 test server (every bucket is versioned). */
export class S3ObjectStore {
  readonly #buckets = new Map<string, Bucket>();

  /** Make a bucket if it does not exist. */
  createBucket(name: string): void {
    if (!this.#buckets.has(name)) this.#buckets.set(name, { objects: new Map(), denied: new Set() });
  }

  bucket(name: string): Bucket | undefined {
    return this.#buckets.get(name);
  }

  /** Store a new current version of an object (creating the bucket) and return it. */
  put(bucket: string, key: string, body: Uint8Array, versionId?: string): S3TestObjectVersion {
    this.createBucket(bucket);
    const copy = Buffer.from(body);
    const version: S3TestObjectVersion = {
      versionId: versionId ?? randomBytes(24).toString('base64url'),
      body: copy,
      etag: `"${createHash('md5').update(copy).digest('hex')}"`,
      lastModified: new Date(Math.floor(Date.now() / 1000) * 1000),
    };
    const objects = this.#buckets.get(bucket)!.objects;
    objects.set(key, [...(objects.get(key) ?? []), version]);
    return version;
  }

  /** Put a delete marker on top of an object: reads without a version id then find nothing. */
  remove(bucket: string, key: string): void {
    const objects = this.#buckets.get(bucket)?.objects;
    const versions = objects?.get(key);
    if (!objects || !versions) return;
    versions.push({ versionId: randomBytes(24).toString('base64url'), body: undefined, etag: '""', lastModified: new Date() });
  }

  /** The version a read names: the current one, or the one with `versionId`. */
  find(bucket: string, key: string, versionId: string | undefined): { kind: 'found'; version: S3TestObjectVersion } | { kind: 'NoSuchBucket' | 'NoSuchKey' | 'NoSuchVersion' } {
    const b = this.#buckets.get(bucket);
    if (!b) return { kind: 'NoSuchBucket' };
    const versions = b.objects.get(key) ?? [];
    const version = versionId === undefined ? versions.at(-1) : versions.find((v) => v.versionId === versionId);
    if (!version) return { kind: versionId === undefined ? 'NoSuchKey' : 'NoSuchVersion' };
    if (!version.body) return { kind: 'NoSuchKey' };
    return { kind: 'found', version };
  }

  /** Keys of current (not deleted) objects under `prefix`, sorted as S3 lists them. */
  list(bucket: string, prefix: string): { key: string; version: S3TestObjectVersion }[] {
    const b = this.#buckets.get(bucket);
    if (!b) return [];
    return [...b.objects]
      .filter(([key, versions]) => key.startsWith(prefix) && versions.at(-1)?.body !== undefined)
      .map(([key, versions]) => ({ key, version: versions.at(-1)! }))
      .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  }
}
