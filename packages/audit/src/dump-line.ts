/**
 * Decodes one line of a classic hex dump back to the bytes it shows, so a value printed by a dump
 * tool is found as the value itself. Understood layouts (offsets in any width of 6+ digits):
 *
 * - `xxd`:            `00000000: 6162 6364 6566  abcdef` (groups of any even width; the text column follows two spaces)
 * - `hexdump -C`:     `00000000  61 62 63 64  65 66 |abcdef|`
 * - `od -tx1`:        `0000000 61 62 63` and `od -An -tx1`: ` 61 62 63`
 *
 * Anything else decodes to nothing. A line of ordinary text that happens to fit decodes to junk
 * bytes, which cannot hold a value by chance: the result is only ever searched, never reported.
 * Lines a tool collapsed to `*` are filled in by {@link DumpRun} (`dump-run.ts`), from the offsets.
 */

const SPACE = 0x20;
const COLON = 0x3a;
const BAR = 0x7c;
const CR = 0x0d;

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  return -1;
}

/** True when a line starting at `buf[at]` may be a dump line (a cheap first-byte test). */
export function mayStartDump(first: number | undefined): boolean {
  return first === SPACE || (first !== undefined && hexValue(first) >= 0);
}

/** One decoded dump line. */
export interface DumpLine {
  /** The bytes the line shows. */
  readonly bytes: Buffer;
  /** The offset column as printed (its digits), or undefined for `od -An`. */
  readonly offset: string | undefined;
  /**
   * Which tool's layout: `xxd` (offset and `:`) and `hexdump` (`hexdump -C`, text column fenced
   * with `|`) print hex offsets; `od` prints octal ones unless told otherwise (`-Ax`, `-Ad`).
   */
  readonly layout: 'xxd' | 'hexdump' | 'od';
}

/** The bytes a dump line shows, or undefined when `line` (without its `\n`) is not one. */
export function decodeDumpLine(line: Uint8Array): Buffer | undefined {
  return readDumpLine(line)?.bytes;
}

/** The bytes a dump line shows with its offset and layout, or undefined when `line` (without its `\n`) is not one. */
export function readDumpLine(line: Uint8Array): DumpLine | undefined {
  let n = line.length;
  if (n > 0 && line[n - 1] === CR) n--;
  let i = 0;
  while (i < n && hexValue(line[i]!) >= 0) i++;
  const digits = i;
  let xxd = false;
  if (digits === 0) {
    if (line[0] !== SPACE) return undefined;
  } else if (digits >= 6 && line[i] === COLON) {
    xxd = true;
    i++;
  } else if (digits < 6 || line[i] !== SPACE) {
    return undefined;
  }
  const out: number[] = [];
  let fenced = false;
  while (i < n) {
    let spaces = 0;
    while (i < n && line[i] === SPACE) {
      i++;
      spaces++;
    }
    if (i >= n || spaces === 0) break;
    // xxd's text column follows two spaces; hexdump -C's is fenced with `|`.
    if (xxd && spaces >= 2 && out.length > 0) break;
    if (line[i] === BAR) {
      fenced = true;
      break;
    }
    let j = i;
    while (j < n && hexValue(line[j]!) >= 0) j++;
    if (j === i || (j - i) % 2 !== 0 || (j < n && line[j] !== SPACE)) break;
    for (let k = i; k < j; k += 2) out.push(hexValue(line[k]!) * 16 + hexValue(line[k + 1]!));
    i = j;
  }
  if (out.length === 0) return undefined;
  const offset = digits > 0 ? Buffer.from(line.subarray(0, digits)).toString('latin1') : undefined;
  return { bytes: Buffer.from(out), offset, layout: xxd ? 'xxd' : fenced ? 'hexdump' : 'od' };
}
