import { describe, expect, it } from 'vitest';
import { stagesNeeded } from './stage-graph.js';

const needed = (text: string, target?: string, buildArgs: Record<string, string> = {}): number[] => {
  const result = stagesNeeded(text, { target, buildArgs: new Map(Object.entries(buildArgs)) });
  if (!result.ok) throw new Error(result.message);
  return [...result.stages].sort();
};

const MULTI = [
  'FROM busybox AS deps',
  'FROM busybox AS test',
  'COPY --from=deps /a /a',
  'FROM busybox AS build',
  'RUN --mount=type=bind,from=deps,target=/d true',
  'FROM build AS final',
].join('\n');

describe('stagesNeeded: the stages one build runs', () => {
  it('builds the last stage and what it names in FROM and RUN --mount=from by default', () => {
    expect(needed(MULTI)).toEqual([0, 2, 3]);
  });

  it('follows COPY --from of the --target, and leaves out later stages', () => {
    expect(needed(MULTI, 'test')).toEqual([0, 1]);
  });

  it('matches stage names case-insensitively and COPY --from by index', () => {
    expect(needed('FROM busybox AS One\nFROM busybox\nFROM busybox AS last\nCOPY --from=1 /x /x', 'LAST')).toEqual([1, 2]);
    expect(needed('FROM busybox AS One\nFROM busybox AS two\nCOPY --from=ONE /x /x', 'two')).toEqual([0, 1]);
  });

  it('substitutes global ARGs in FROM, with --build-arg overriding the default', () => {
    const text = 'ARG BASE=a\nFROM busybox AS a\nFROM busybox AS b\nFROM ${BASE} AS final';
    expect(needed(text)).toEqual([0, 2]);
    expect(needed(text, undefined, { BASE: 'b' })).toEqual([1, 2]);
  });

  it('substitutes stage ARGs (inheriting the global value) in COPY --from, with ${X:-default}', () => {
    const text = 'ARG SRC=a\nFROM busybox AS a\nFROM busybox AS b\nFROM busybox AS final\nARG SRC\nCOPY --from=$SRC /x /x\nCOPY --from=${OTHER:-b} /y /y';
    expect(needed(text)).toEqual([0, 1, 2]);
  });

  it('an ARG the stage did not declare expands to nothing, as BuildKit does', () => {
    const text = 'ARG SRC=a\nFROM busybox AS a\nFROM busybox AS final\nCOPY --from=x$SRC /x /x';
    expect(needed(text)).toEqual([1]);
  });

  it('a reference it cannot expand (an ENV, a platform ARG) makes every stage count: never too little', () => {
    expect(needed('FROM busybox AS a\nFROM busybox AS b\nENV S=a\nCOPY --from=$S /x /x', 'b')).toEqual([0, 1]);
    expect(needed('FROM busybox AS a\nFROM busybox AS b\nFROM busybox AS c\nARG TARGETARCH\nCOPY --from=${TARGETARCH/x/y} /x /x', 'c')).toEqual([0, 1, 2]);
  });

  it('treats an image name that matches no stage as an image', () => {
    expect(needed('FROM busybox AS a\nFROM alpine AS b\nCOPY --from=golang /x /x')).toEqual([1]);
  });

  it('FROM only names earlier stages (a later stage of that name is an image to BuildKit)', () => {
    expect(needed('FROM later AS first\nFROM busybox AS later', 'first')).toEqual([0]);
  });

  it('with the classic builder every stage up to the target runs, used or not', () => {
    const result = stagesNeeded(MULTI, { target: 'build', everyStageUpToTarget: true });
    expect(result.ok && [...result.stages].sort()).toEqual([0, 1, 2]);
  });

  it('reports a --target the Dockerfile lacks, listing the stages it has', () => {
    const result = stagesNeeded(MULTI, { target: 'nope' });
    expect(result).toMatchObject({ ok: false, reason: 'unknown-target' });
    expect(!result.ok && result.message).toContain('deps, test, build, final');
  });
});
