import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeDockerfile } from './analyze.js';

interface ExpectedMount {
  readonly kind: 'secret' | 'ssh';
  readonly id: string;
  readonly required: boolean;
}

const id = fc.stringMatching(/^[a-z][a-z0-9_.-]{0,12}$/);
const requiredForm = fc.constantFrom<[string, boolean]>(['', false], [',required', true], [',required=true', true], [',required=false', false]);

const secretMount = fc.record({ id, req: requiredForm, byTarget: fc.boolean(), quoted: fc.boolean() }).map(({ id: i, req, byTarget, quoted }) => {
  const body = byTarget ? `type=secret,target=/run/x/${i}${req[0]}` : `type=secret,id=${i}${req[0]},mode=0400`;
  return { text: quoted ? `--mount="${body}"` : `--mount=${body}`, mount: { kind: 'secret' as const, id: i, required: req[1] } };
});
const sshMount = fc.record({ id: fc.option(id, { nil: undefined }), req: requiredForm }).map(({ id: i, req }) => ({
  text: `--mount=type=ssh${i ? `,id=${i}` : ''}${req[0]}`,
  mount: { kind: 'ssh' as const, id: i ?? 'default', required: req[1] },
}));
const cacheMount = fc.constant({ text: '--mount=type=cache,target=/var/cache', mount: undefined });

/** A block of Dockerfile text and the mounts it should yield, in order. */
interface Block {
  readonly lines: string[];
  readonly mounts: ExpectedMount[];
}

const runBlock = fc
  .record({
    mounts: fc.array(fc.oneof(secretMount, sshMount, cacheMount), { maxLength: 4 }),
    split: fc.boolean(),
    heredoc: fc.option(fc.constantFrom('EOF', 'SCRIPT', '"END"', "'X'"), { nil: undefined }),
    chomp: fc.boolean(),
    network: fc.boolean(),
  })
  .map(({ mounts, split, heredoc, chomp, network }): Block => {
    const flags = [...(network ? ['--network=host'] : []), ...mounts.map((m) => m.text)];
    const command = heredoc ? `<<${chomp ? '-' : ''}${heredoc}` : 'cat /run/secrets/* || true';
    const lines = split ? ['RUN \\', ...flags.map((f) => `  ${f} \\`), '  # comment in continuation', '', `  ${command}`] : [`RUN ${[...flags, command].join(' ')}`];
    if (heredoc) {
      const name = heredoc.replace(/["']/g, '');
      lines.push('RUN --mount=type=secret,id=decoy true', `${chomp ? '\t' : ''}ARG DECOY`, `${chomp ? '\t\t' : ''}${name}`);
    }
    return { lines, mounts: mounts.flatMap((m) => (m.mount ? [m.mount] : [])) };
  });

const otherBlock = fc.constantFrom<Block>(
  { lines: ['# just a comment'], mounts: [] },
  { lines: [''], mounts: [] },
  { lines: ['ARG A B=1 C="x y"'], mounts: [] },
  { lines: ['ENV LEGACY value here'], mounts: [] },
  { lines: ['FROM busybox AS next'], mounts: [] },
  { lines: ['COPY <<EOF /x', 'RUN --mount=type=secret,id=in-copy true', 'EOF'], mounts: [] },
  { lines: ['RUN ["sh", "-c", "echo <<EOF"]'], mounts: [] },
);

describe('analyzeDockerfile properties', () => {
  it('finds exactly the mounts written, in order, through continuations, comments and heredocs', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(runBlock, otherBlock), { maxLength: 12 }), (blocks) => {
        const text = ['FROM busybox', ...blocks.flatMap((b) => b.lines)].join('\n');
        const a = analyzeDockerfile(text);
        expect(a.diagnostics).toEqual([]);
        const found = [
          ...a.secretMounts.map((m) => ({ kind: 'secret' as const, id: m.id, required: m.required, line: m.line })),
          ...a.sshMounts.map((m) => ({ kind: 'ssh' as const, id: m.id, required: m.required, line: m.line })),
        ].sort((x, y) => x.line - y.line);
        const expected = blocks.flatMap((b) => b.mounts);
        // Mounts of one RUN share its line; compare per kind in order, then all of them as a multiset.
        expect(a.secretMounts.map(({ id: i, required }) => ({ kind: 'secret', id: i, required }))).toEqual(expected.filter((m) => m.kind === 'secret'));
        expect(a.sshMounts.map(({ id: i, required }) => ({ kind: 'ssh', id: i, required }))).toEqual(expected.filter((m) => m.kind === 'ssh'));
        expect(found).toHaveLength(expected.length);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary text', () => {
    const piece = fc.oneof(
      fc.string(),
      fc.constantFrom('\\', '`', '<<', '<<-', 'EOF', '"', "'", '\n', '\r\n', ' ', '\t', '#', '# escape=`\n', 'RUN ', 'FROM ', 'ARG ', 'ENV ', '--mount=', 'type=secret', 'type=ssh', ',', '=', 'required', '[', ']'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (pieces) => {
        const a = analyzeDockerfile(pieces.join(''));
        expect(Array.isArray(a.diagnostics)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('reads a very large file in one pass', () => {
    const block = 'RUN --mount=type=secret,id=s,required \\\n    # note\n    true\nARG A=1 B\nRUN <<EOF\nARG NOT_ME\nEOF\n';
    const a = analyzeDockerfile(`FROM busybox\n${block.repeat(20_000)}`);
    expect(a.secretMounts).toHaveLength(20_000);
    expect(a.args).toHaveLength(40_000);
    expect(a.diagnostics).toEqual([]);
  });

  it('survives a single enormous line of continuation characters and spaces', () => {
    const a = analyzeDockerfile(`FROM busybox\nRUN ${'\\ '.repeat(200_000)}\n`);
    expect(a.runs).toHaveLength(1);
  });
});
