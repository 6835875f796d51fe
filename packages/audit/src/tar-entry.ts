import { AuditError } from '@buildsecrets/base';
import { BLOCK, parsePax, type TarHeader } from './tar-header.js';

/** Kinds of tar entries the auditor distinguishes. */
export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

/** What a tar entry is, once GNU long names and PAX records have been applied to its header. */
export interface TarEntryInfo {
  /** Path inside the archive, with PAX / GNU long names applied. */
  readonly path: string;
  /** What the entry is. */
  readonly type: TarEntryType;
  /** Body size in bytes. */
  readonly size: number;
  /** Link target for links, otherwise empty. */
  readonly linkPath: string;
  /**
   * Every other piece of metadata as text, for the search: all PAX records of this entry (and of a
   * global header seen since the last entry) as `key=value` lines, the ustar uname and gname.
   */
  readonly metadata: string;
}

/** Long names and PAX records are metadata; anything bigger than this is a broken archive. */
export const MAX_META = 1 << 20;

/** Zero bytes after a body of `size` bytes up to the next block. */
export const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;

function typeOf(flag: string): TarEntryType {
  if (flag === '0' || flag === '7') return 'file';
  if (flag === '5') return 'directory';
  if (flag === '2') return 'symlink';
  if (flag === '1') return 'hardlink';
  return 'other';
}

/** True for header types whose body describes the next entry (GNU `L`/`K`, PAX `x`/`g`). */
export function isMetaType(type: string): boolean {
  return type === 'L' || type === 'K' || type === 'x' || type === 'g';
}

/** Bytes of body an entry of this kind carries: links and directories may state a size but have none. */
export function bodySize(entry: TarEntryInfo): number {
  return entry.type === 'file' || entry.type === 'other' ? entry.size : 0;
}

/**
 * GNU long names and PAX records seen since the last real entry. Both tar readers (the pulling
 * one for the outer archive, the pushing one for layers) share it, so they name entries alike.
 */
export class PendingMeta {
  #longName: string | undefined;
  #longLink: string | undefined;
  #pax = new Map<string, string>();
  /** PAX records (global ones too) not yet handed out for searching, as `key=value` lines. */
  #records = '';

  /** Throws {@link AuditError} when a metadata entry is too large to be one. */
  static check(header: TarHeader, where: string): void {
    if (header.size > MAX_META) throw new AuditError(`${where} has an oversized tar metadata entry`);
  }

  /** Record the body (without padding) of a metadata entry. */
  record(header: TarHeader, body: Buffer, where: string): void {
    if (header.type === 'L' || header.type === 'K') {
      const name = body.toString('utf8').replace(/\0+$/, '');
      if (header.type === 'L') this.#longName = name;
      else this.#longLink = name;
      return;
    }
    const records = parsePax(body, where);
    // Every record is searched (SCHILY.xattr.*, comment, …), global ones included.
    for (const [key, value] of records) this.#records += `${key}=${value}\n`;
    // Global records rarely carry paths; only per-entry records are applied.
    if (header.type === 'x') this.#pax = records;
  }

  /** The entry `header` describes with pending metadata applied; the metadata is then used up. */
  entryFor(header: TarHeader): TarEntryInfo {
    const pax = this.#pax;
    const paxSize = pax.get('size');
    const entry: TarEntryInfo = {
      path: pax.get('path') ?? this.#longName ?? header.name,
      type: typeOf(header.type),
      size: paxSize !== undefined && /^\d+$/.test(paxSize) ? Number(paxSize) : header.size,
      linkPath: pax.get('linkpath') ?? this.#longLink ?? header.linkName,
      metadata: `${this.#records}${header.uname}\n${header.gname}`,
    };
    this.#records = '';
    this.#longName = undefined;
    this.#longLink = undefined;
    if (pax.size > 0) this.#pax = new Map();
    return entry;
  }
}
