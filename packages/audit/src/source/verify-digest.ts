import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AuditError } from '@buildsecrets/base';

/**
 * A pass-through that hashes what flows and fails the stream at its end when the bytes do not
 * match `digest` (or `size`, when known). A mismatch is an error, never a finding: scanning bytes
 * that are not the image's would prove nothing.
 */
export function verifyDigest(digest: string, size: number, label: string): Transform {
  const [algorithm, expected] = digest.split(':');
  if ((algorithm !== 'sha256' && algorithm !== 'sha512') || !expected) {
    throw new AuditError(`${label}: unsupported digest ${digest.slice(0, 80)}`);
  }
  const hash = createHash(algorithm);
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      hash.update(chunk);
      seen += chunk.length;
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      const actual = hash.digest('hex');
      if (size >= 0 && seen !== size) callback(new AuditError(`${label}: blob ${digest} has ${seen} bytes, its descriptor says ${size}`));
      else if (actual !== expected) callback(new AuditError(`${label}: blob ${digest} does not match its digest (got ${algorithm}:${actual})`));
      else callback();
    },
  });
}
