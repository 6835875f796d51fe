import { gzipSync } from 'node:zlib';

/** One entry for {@link tar}. */
export interface FixtureEntry {
  readonly name: string;
  readonly body?: Buffer | string;
  /** Typeflag (default `0`, or `5` for names ending in `/`). */
  readonly type?: string;
  readonly linkName?: string;
  /** Write the name as a GNU `L` long-name entry. */
  readonly gnuLongName?: boolean;
  /** Write the name as a PAX `path` record. */
  readonly paxPath?: boolean;
  /** Extra PAX records for this entry (`SCHILY.xattr.*`, `comment`, …). */
  readonly pax?: Readonly<Record<string, string>>;
  /** A PAX global header (`g`) written before this entry. */
  readonly globalPax?: Readonly<Record<string, string>>;
  /** ustar owner names. */
  readonly uname?: string;
  readonly gname?: string;
}

function header(name: string, size: number, type: string, linkName = '', owner: { uname?: string; gname?: string } = {}): Buffer {
  const h = Buffer.alloc(512);
  if (owner.uname) h.write(owner.uname.slice(0, 31), 265, 'utf8');
  if (owner.gname) h.write(owner.gname.slice(0, 31), 297, 'utf8');
  h.write(name.slice(0, 100), 0, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write(type, 156);
  h.write(linkName.slice(0, 100), 157, 'utf8');
  h.write('ustar\u000000', 257, 'latin1');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

const pad = (body: Buffer): Buffer => Buffer.concat([body, Buffer.alloc((512 - (body.length % 512)) % 512)]);

function paxRecord(key: string, value: string): string {
  const core = ` ${key}=${value}\n`;
  let len = core.length + 1;
  while (`${len}${core}`.length !== len) len++;
  return `${len}${core}`;
}

/** A tar archive (with end marker) of `entries`, written by hand so tests control every header. */
export function tar(entries: readonly FixtureEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '');
    const type = e.type ?? (e.name.endsWith('/') ? '5' : '0');
    if (e.gnuLongName) {
      const name = Buffer.from(`${e.name}\0`);
      parts.push(header('././@LongLink', name.length, 'L'), pad(name));
    }
    if (e.globalPax) {
      const records = Buffer.from(Object.entries(e.globalPax).map(([k, v]) => paxRecord(k, v)).join(''));
      parts.push(header('pax_global_header', records.length, 'g'), pad(records));
    }
    if (e.paxPath || e.pax) {
      const records = Buffer.from([...(e.paxPath ? [paxRecord('path', e.name)] : []), ...Object.entries(e.pax ?? {}).map(([k, v]) => paxRecord(k, v))].join(''));
      parts.push(header('PaxHeader/x', records.length, 'x'), pad(records));
    }
    parts.push(header(e.gnuLongName || e.paxPath ? 'truncated-name' : e.name, body.length, type, e.linkName, { ...(e.uname ? { uname: e.uname } : {}), ...(e.gname ? { gname: e.gname } : {}) }), pad(body));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** A docker-archive (`docker save` layout) with the given layers (bottom-up) and config. */
export function dockerArchive(layers: readonly Buffer[], config: Record<string, unknown>, options: { gzip?: boolean } = {}): Buffer {
  const ids = layers.map((_, i) => `${String(i).padStart(2, '0')}${'a'.repeat(62)}`);
  const diffIds = layers.map((_, i) => `sha256:${String(i).padStart(2, '0')}${'d'.repeat(62)}`);
  const fullConfig = { ...config, rootfs: { type: 'layers', diff_ids: diffIds } };
  return tar([
    ...layers.map((layer, i) => ({ name: `${ids[i]}/layer.tar`, body: options.gzip ? gzipSync(layer) : layer })),
    { name: 'cfg.json', body: JSON.stringify(fullConfig) },
    { name: 'manifest.json', body: JSON.stringify([{ Config: 'cfg.json', RepoTags: ['fixture:latest'], Layers: ids.map((id) => `${id}/layer.tar`) }]) },
  ]);
}

/** The digest the fixture archive reports for layer `i`. */
export const fixtureDiffId = (i: number): string => `sha256:${String(i).padStart(2, '0')}${'d'.repeat(62)}`;
