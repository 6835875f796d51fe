import { AuditError } from '@buildsecrets/base';

/** The fields of one 512-byte tar header that the auditor needs. */
export interface TarHeader {
  /** Entry name (ustar prefix joined; PAX and GNU long names are applied by the reader). */
  readonly name: string;
  /** Body size in bytes. */
  readonly size: number;
  /** The typeflag character (`0` file, `5` directory, `x` PAX, `L` GNU long name, ...). */
  readonly type: string;
  /** Link target for hard and symbolic links. */
  readonly linkName: string;
  /** ustar owner user name (empty for old-style headers). */
  readonly uname: string;
  /** ustar owner group name (empty for old-style headers). */
  readonly gname: string;
}

/** Size of a tar block. */
export const BLOCK = 512;

function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const nul = field.indexOf(0);
  return field.subarray(0, nul === -1 ? length : nul).toString('utf8');
}

/** A numeric field: octal text, or GNU base-256 (high bit set) for values that do not fit. */
function numeric(block: Buffer, start: number, length: number): number {
  const field = block.subarray(start, start + length);
  if ((field[0]! & 0x80) !== 0) {
    let value = field[0]! & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + field[i]!;
    return value;
  }
  const digits = text(block, start, length).trim();
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) return Number.NaN;
  return Number.parseInt(digits, 8);
}

/** True for an all-zero block (the end-of-archive marker). */
export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

/** True when the checksum field matches the block (the test for "this is a tar header"). */
export function hasValidChecksum(block: Buffer): boolean {
  if (block.length < BLOCK) return false;
  const stored = numeric(block, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

/** Parse a header block; throws {@link AuditError} when it is not one. */
export function parseHeader(block: Buffer, where: string): TarHeader {
  if (!hasValidChecksum(block)) throw new AuditError(`${where} is not a valid tar archive (bad header checksum)`, { hint: 'check that the file is a docker-archive or OCI-layout tar and is not corrupted' });
  const size = numeric(block, 124, 12);
  if (!Number.isSafeInteger(size) || size < 0) throw new AuditError(`${where} has a tar header with an invalid size`);
  const magic = block.subarray(257, 262).toString('latin1');
  const prefix = magic === 'ustar' ? text(block, 345, 155) : '';
  const name = text(block, 0, 100);
  return {
    name: prefix ? `${prefix}/${name}` : name,
    size,
    type: block[156] === 0 ? '0' : String.fromCharCode(block[156]!),
    linkName: text(block, 157, 100),
    uname: magic === 'ustar' ? text(block, 265, 32) : '',
    gname: magic === 'ustar' ? text(block, 297, 32) : '',
  };
}

/** Parse PAX extended header records (`"<len> <key>=<value>\n"`). */
export function parsePax(body: Buffer, where: string): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    const length = space === -1 ? Number.NaN : Number.parseInt(body.subarray(at, space).toString('latin1'), 10);
    if (!Number.isSafeInteger(length) || length <= 0 || at + length > body.length) throw new AuditError(`${where} has a malformed PAX header`);
    const record = body.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return records;
}
