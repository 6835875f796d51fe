import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors/index.js';
import { analyzeDockerfile, readDockerfile } from './analyze.js';

const df = (...lines: string[]): string => lines.join('\n');
const codes = (text: string): string[] => analyzeDockerfile(text).diagnostics.map((d) => d.code);

describe('analyzeDockerfile: directives', () => {
  it('reads syntax and escape directives at the top', () => {
    const a = analyzeDockerfile(df('# syntax=docker/dockerfile:1.7', '# escape=`', 'FROM scratch'));
    expect(a.directives.syntax).toBe('docker/dockerfile:1.7');
    expect(a.directives.escape).toBe('`');
  });

  it('stops reading directives after the first other line', () => {
    const a = analyzeDockerfile(df('# a comment', '# escape=`', 'FROM scratch'));
    expect(a.directives.escape).toBe('\\');
    expect(a.directives.syntax).toBeUndefined();
  });

  it('honours a backtick escape: backslash lines do not continue, backtick lines do', () => {
    const a = analyzeDockerfile(df('# escape=`', 'FROM mcr.microsoft.com/windows', 'RUN dir c:\\', 'RUN --mount=type=secret,id=a `', '    echo hi'));
    expect(a.runs.map((r) => r.line)).toEqual([3, 4]);
    expect(a.secretMounts.map((m) => m.id)).toEqual(['a']);
  });

  it('flags an unsupported escape character', () => {
    expect(codes(df('# escape=!', 'FROM scratch'))).toContain('invalid-escape');
  });
});

describe('analyzeDockerfile: lines', () => {
  it('joins continuations, skipping comment and blank lines inside them, and keeps the start line', () => {
    const a = analyzeDockerfile(df(
      'FROM busybox',
      '',
      'RUN --mount=type=secret,id=one \\',
      '    # a comment inside the continuation',
      '',
      '    --mount=type=secret,id=two,required \\',
      '    cat /run/secrets/one /run/secrets/two',
      'ARG AFTER',
    ));
    expect(a.secretMounts.map((m) => [m.id, m.line, m.required])).toEqual([['one', 3, false], ['two', 3, true]]);
    expect(a.args[0]).toMatchObject({ name: 'AFTER', line: 8 });
  });

  it('treats instruction keywords case-insensitively and handles CRLF and a BOM', () => {
    const a = analyzeDockerfile('\uFEFFfrom busybox\r\nrun --mount=type=secret,id=x true\r\n');
    expect(a.diagnostics).toEqual([]);
    expect(a.secretMounts[0]?.id).toBe('x');
  });

  it('does not read heredoc bodies as instructions', () => {
    const a = analyzeDockerfile(df(
      'FROM busybox',
      'RUN <<EOF',
      'RUN --mount=type=secret,id=not-a-mount true',
      'ARG NOT_AN_ARG',
      'EOF',
      'RUN --mount=type=secret,id=real true',
    ));
    expect(a.secretMounts.map((m) => m.id)).toEqual(['real']);
    expect(a.args).toEqual([]);
    expect(a.runs[0]?.heredocs).toBe(1);
  });

  it('handles <<-, quoted delimiters and several heredocs on one line', () => {
    const a = analyzeDockerfile(df(
      'FROM busybox',
      'RUN --mount=type=secret,id=s <<-"ONE" cat - 3<<\'TWO\'',
      '\tARG INSIDE_ONE',
      '\tONE',
      'ENV INSIDE_TWO=1',
      'TWO',
      'COPY <<EOF /etc/x',
      'FROM evil',
      'EOF',
      'ENV REAL=1',
    ));
    expect(a.diagnostics).toEqual([]);
    expect(a.runs[0]?.heredocs).toBe(2);
    expect(a.stages).toHaveLength(1);
    expect(a.envs.map((e) => e.name)).toEqual(['REAL']);
  });

  it('ignores a quoted "<<EOF" and exec-form RUN', () => {
    const a = analyzeDockerfile(df('FROM busybox', 'RUN echo "<<EOF"', 'RUN ["sh", "-c", "cat <<EOF"]', 'ARG X'));
    expect(a.runs.map((r) => [r.heredocs, r.form])).toEqual([[0, 'shell'], [0, 'exec']]);
    expect(a.args.map((x) => x.name)).toEqual(['X']);
  });

  it('reports an unterminated heredoc instead of throwing', () => {
    const a = analyzeDockerfile(df('FROM busybox', 'RUN <<EOF', 'echo hi'));
    expect(a.diagnostics).toEqual([expect.objectContaining({ code: 'unterminated-heredoc', severity: 'error', line: 2 })]);
  });
});

describe('analyzeDockerfile: stages, ARG and ENV', () => {
  it('numbers stages and lower-cases their names', () => {
    const a = analyzeDockerfile(df('ARG BASE=busybox', 'FROM --platform=linux/amd64 $BASE AS Build', 'ARG IN_BUILD', 'FROM build', 'ENV IN_FINAL=1'));
    expect(a.stages).toEqual([
      { index: 0, name: 'build', base: '$BASE', line: 2 },
      { index: 1, name: undefined, base: 'build', line: 4 },
    ]);
    expect(a.args.map((x) => [x.name, x.stage, x.stageName, x.hasDefault])).toEqual([['BASE', -1, undefined, true], ['IN_BUILD', 0, 'build', false]]);
    expect(a.envs[0]).toMatchObject({ name: 'IN_FINAL', stage: 1, line: 5 });
  });

  it('reads several ARGs per line and quoted defaults, keeping no values', () => {
    const a = analyzeDockerfile(df('FROM busybox', 'ARG A B=1 C="x y" D=\'z\''));
    expect(a.args.map((x) => [x.name, x.hasDefault])).toEqual([['A', false], ['B', true], ['C', true], ['D', true]]);
    expect(JSON.stringify(a)).not.toContain('x y');
  });

  it('reads ENV in both forms', () => {
    const a = analyzeDockerfile(df('FROM busybox', 'ENV A=1 B="two words"', 'ENV LEGACY some value with spaces'));
    expect(a.envs.map((e) => e.name)).toEqual(['A', 'B', 'LEGACY']);
    expect(JSON.stringify(a)).not.toContain('some value');
  });

  it('flags instructions before FROM, unknown instructions and a missing FROM', () => {
    expect(codes(df('RUN true'))).toEqual(['instruction-before-from', 'no-from']);
    expect(codes(df('FROM busybox', 'FROBNICATE now'))).toEqual(['unknown-instruction']);
  });
});

describe('readDockerfile', () => {
  it('reads a file and names it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bs-df-'));
    try {
      await writeFile(join(dir, 'Dockerfile'), 'FROM busybox\nRUN --mount=type=ssh true\n');
      const a = await readDockerfile(join(dir, 'Dockerfile'));
      expect(a.file).toBe(join(dir, 'Dockerfile'));
      expect(a.sshMounts[0]?.id).toBe('default');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('turns a missing file into a UsageError', async () => {
    await expect(readDockerfile('/nonexistent/Dockerfile')).rejects.toBeInstanceOf(UsageError);
  });
});
