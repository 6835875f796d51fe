import { describe, expect, it } from 'vitest';
import { readDumpLine, type DumpLine } from './dump-line.js';
import { DumpRun, isCollapseMark } from './dump-run.js';

const line = (text: string): DumpLine => {
  const read = readDumpLine(Buffer.from(text, 'latin1'));
  if (!read) throw new Error(`not a dump line: ${text}`);
  return read;
};

/** Feeds numbered lines as a reader does and returns what the run searches: shown bytes with the left-out repeats put back. */
function searched(lines: readonly string[], reach = 64): { bytes: string; restarts: number } {
  const run = new DumpRun(reach);
  let bytes = '';
  let restarts = 0;
  lines.forEach((text, index) => {
    if (text === '*') {
      run.collapse(index);
      return;
    }
    const shown = line(text);
    const leftOut = run.next(shown, index);
    if (leftOut === undefined) restarts++;
    else bytes += leftOut.toString('hex');
    bytes += shown.bytes.toString('hex');
  });
  return { bytes, restarts };
}

const ROW_A = '3d 56 0e 7d f5 61 03 ee 00 00 00 00 00 00 00 00';
const ZEROS = '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00';
const LAST = '00 00 00 00 3d 56 0e 7d f5 61 03 ee';
/** busybox / util-linux `od -tx1` of 8 bytes, 60 zero bytes and the same 8 bytes: two zero lines collapsed. */
const expected = (zeroLines: number): string => Buffer.from(`${ROW_A} ${Array(zeroLines).fill(ZEROS).join(' ')} ${LAST}`.replace(/ /g, ''), 'hex').toString('hex');

describe('a dump line reads its offset and layout', () => {
  it('xxd and hexdump -C print hex offsets; od (with or without -A) is told apart by having no `:` and no `|` column', () => {
    expect(line('00000010: 0000 3d56  ..=V')).toMatchObject({ offset: '00000010', layout: 'xxd' });
    expect(line('00000010  00 00 3d 56  |..=V|')).toMatchObject({ offset: '00000010', layout: 'hexdump' });
    expect(line('0000020 00 00 3d 56')).toMatchObject({ offset: '0000020', layout: 'od' });
    expect(line(' 00 00 3d 56')).toMatchObject({ offset: undefined, layout: 'od' });
  });
});

describe('a `*` line stands for repeats of the line before it', () => {
  it('hexdump -C: the left-out lines are put back from the offsets', () => {
    const dump = [`00000000  ${ROW_A.slice(0, 23)}  ${ROW_A.slice(24)}  |x|`, `00000010  ${ZEROS.slice(0, 23)}  ${ZEROS.slice(24)}  |x|`, '*', `00000040  ${LAST}  |x|`];
    expect(searched(dump)).toEqual({ bytes: expected(3), restarts: 0 });
  });

  it('od -tx1: octal offsets, its default', () => {
    expect(searched([`0000000 ${ROW_A}`, `0000020 ${ZEROS}`, '*', `0000100 ${LAST}`])).toEqual({ bytes: expected(3), restarts: 0 });
  });

  it('od -Ax and od -Ad: the radix is learnt from two consecutive lines', () => {
    expect(searched([`000000 ${ROW_A}`, `000010 ${ZEROS}`, '*', `000040 ${LAST}`])).toEqual({ bytes: expected(3), restarts: 0 });
    expect(searched([`0000000 ${ROW_A}`, `0000016 ${ZEROS}`, '*', `0000064 ${LAST}`])).toEqual({ bytes: expected(3), restarts: 0 });
  });

  it("busybox hexdump's `*` before a short last line that starts like the line before leaves nothing out", () => {
    const dump = ['00000000  ec 00 00 00 00 00 00 00  00 00 00 00 01 02 03 04  |................|', '*', '00000010  ec                                                |.|'];
    expect(searched(dump)).toEqual({ bytes: `ec${'00'.repeat(11)}01020304ec`, restarts: 0 });
  });

  it('od -An has no offsets: the run starts over after its `*`', () => {
    expect(searched([` ${ROW_A}`, ` ${ZEROS}`, '*', ` ${LAST}`]).restarts).toBe(1);
  });

  it('offsets that do not add up to whole repeats restart the run rather than guess', () => {
    expect(searched([`00000000  ${ROW_A}  |x|`, '*', `00000013  ${LAST}  |x|`]).restarts).toBe(1);
  });

  it('puts back at most the longest pattern, rounded up to whole lines, however many lines were left out', () => {
    const { bytes } = searched([`00000000  ${ZEROS}  |x|`, '*', `00100000  ${LAST}  |x|`], 40);
    // The line itself, three repeats (48 bytes >= 40), the last line.
    expect(bytes.length / 2).toBe(16 + 48 + 12);
  });

  it('a `*` counts only right after a dump line, and only for the dump line right after it', () => {
    const run = new DumpRun(64);
    expect(run.collapse(0)).toBe(false);
    expect(run.next(line(`00000000  ${ZEROS}  |x|`), 1)?.length).toBe(0);
    expect(run.collapse(3)).toBe(false); // an ordinary line (2) came between
    expect(run.collapse(2)).toBe(true);
    expect(run.next(line(`00000040  ${LAST}  |x|`), 4)?.length).toBe(0); // line 3 came between: another dump
  });

  it('recognises the `*` line with or without a carriage return, and nothing else', () => {
    const mark = (s: string): boolean => isCollapseMark(Buffer.from(s), 0, s.length);
    expect(mark('*')).toBe(true);
    expect(mark('*\r')).toBe(true);
    expect(mark('**')).toBe(false);
    expect(mark('* ')).toBe(false);
    expect(mark('')).toBe(false);
  });
});
