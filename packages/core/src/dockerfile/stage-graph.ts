import { parseCsvRecord } from './csv.js';
import { scanDirectives } from './directives.js';
import { expandStatically, type KnownVariable } from './expand-args.js';
import { readInstructions } from './logical-lines.js';
import { extractBuilderFlags, parseFlagWord } from './run-flags.js';
import type { DockerfileDiagnostic } from './types.js';
import { splitWords, unquoteWord } from './words.js';

/** What the engine is told about the build, as far as stage selection cares. */
export interface StageSelection {
  /** `--target`; undefined builds the last stage. */
  readonly target?: string | undefined;
  /** `--build-arg` values the user passed (names with no value read the environment in docker; pass them resolved). */
  readonly buildArgs?: ReadonlyMap<string, string>;
  /**
   * The classic builder (`DOCKER_BUILDKIT=0`) runs every stage up to the target, used or not;
   * BuildKit, buildx, and Buildah/Podman (skip-unused-stages) run only the ones it depends on.
   */
  readonly everyStageUpToTarget?: boolean;
}

/** The stages one build runs, by index. */
export type NeededStages =
  | { readonly ok: true; readonly target: number; readonly stages: ReadonlySet<number>; readonly stageCount: number }
  | { readonly ok: false; readonly reason: 'unknown-target' | 'no-stages'; readonly message: string };

interface StageNode {
  readonly index: number;
  readonly name: string | undefined;
  /** Expanded references to other stages or images; `undefined` entries could not be expanded. */
  readonly refs: (string | undefined)[];
  /** The FROM base, expanded (undefined: dynamic). */
  readonly base: string | undefined;
}

/** Parse the stages and the references between them (FROM, COPY --from, RUN --mount=from=). */
function readStages(text: string, selection: StageSelection): StageNode[] {
  const lines = text.replace(/^\uFEFF/, '').split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const diagnostics: DockerfileDiagnostic[] = [];
  const { directives } = scanDirectives(lines);
  const escape = directives.escape;
  const buildArgs = selection.buildArgs ?? new Map<string, string>();
  const globals = new Map<string, KnownVariable>();
  const stages: StageNode[] = [];
  let scope = new Map<string, KnownVariable>();
  const declare = (into: Map<string, KnownVariable>, word: string, inherited: ReadonlyMap<string, KnownVariable>): void => {
    const eq = word.indexOf('=');
    const name = unquoteWord(eq < 0 ? word : word.slice(0, eq), escape);
    if (!name) return;
    const given = buildArgs.get(name);
    if (given !== undefined) into.set(name, { kind: 'value', value: given });
    else if (eq >= 0) {
      const value = expandStatically(unquoteWord(word.slice(eq + 1), escape), (n) => into.get(n) ?? { kind: 'value', value: '' });
      into.set(name, value === undefined ? { kind: 'unknown' } : { kind: 'value', value });
    } else into.set(name, inherited.get(name) ?? { kind: 'value', value: '' });
  };
  // Inside a stage only declared ARGs are visible; ENV names shadow them with build-time values.
  const inStage = (name: string): KnownVariable | undefined => scope.get(name);

  for (const ins of readInstructions(lines, escape, diagnostics)) {
    const current = stages.at(-1);
    if (ins.keyword === 'FROM') {
      const words = splitWords(ins.args, escape).filter((w) => !w.startsWith('--'));
      const base = words[0] ? expandStatically(unquoteWord(words[0], escape), (n) => globals.get(n)) : undefined;
      const name = words.length >= 3 && words[1]!.toLowerCase() === 'as' ? unquoteWord(words[2]!, escape).toLowerCase() : undefined;
      stages.push({ index: stages.length, name, refs: [], base });
      scope = new Map();
    } else if (ins.keyword === 'ARG') {
      for (const word of splitWords(ins.args, escape)) declare(current ? scope : globals, word, current ? globals : new Map());
    } else if (ins.keyword === 'ENV' && current) {
      for (const word of splitWords(ins.args, escape)) {
        const eq = word.indexOf('=');
        scope.set(unquoteWord(eq < 0 ? word : word.slice(0, eq), escape), { kind: 'unknown' });
        if (eq < 0) break;
      }
    } else if ((ins.keyword === 'COPY' || ins.keyword === 'RUN') && current) {
      for (const word of extractBuilderFlags(ins.args).flags) {
        const flag = parseFlagWord(word);
        if (flag.value === undefined) continue;
        if (ins.keyword === 'COPY' && flag.name === 'from') current.refs.push(expandStatically(flag.value, inStage));
        if (ins.keyword === 'RUN' && flag.name === 'mount') {
          const fields = parseCsvRecord(flag.value);
          if (!Array.isArray(fields)) continue;
          const from = fields.find((f) => f.toLowerCase().startsWith('from='));
          if (from) current.refs.push(expandStatically(from.slice(5), inStage));
        }
      }
    }
  }
  return stages;
}

function findStage(stages: readonly StageNode[], ref: string, allowIndex: boolean, before: number): number | undefined {
  const lower = ref.toLowerCase();
  const named = stages.find((s) => s.name === lower && s.index < before);
  if (named) return named.index;
  if (allowIndex && /^\d+$/.test(ref) && Number(ref) < stages.length) return Number(ref);
  return undefined;
}

/**
 * Which stages a build of `selection.target` (or the last stage) runs, as BuildKit decides it:
 * the target and, transitively, every stage it names in `FROM`, `COPY --from=` or
 * `RUN --mount=from=`, by name or index, after ARG substitution where the values are known before
 * the build. A reference that cannot be expanded statically makes every stage count (it might
 * name any of them): the scoping may fetch too much, never too little.
 */
export function stagesNeeded(text: string, selection: StageSelection = {}): NeededStages {
  const stages = readStages(text, selection);
  if (stages.length === 0) return { ok: false, reason: 'no-stages', message: 'the Dockerfile has no FROM instruction' };
  let target = stages.length - 1;
  if (selection.target !== undefined) {
    const found = stages.find((s) => s.name === selection.target!.toLowerCase());
    if (!found) {
      const names = stages.flatMap((s) => (s.name ? [s.name] : []));
      return { ok: false, reason: 'unknown-target', message: `target stage "${selection.target}" is not in the Dockerfile${names.length ? ` (stages: ${names.join(', ')})` : ' (no stage has an AS name)'}` };
    }
    target = found.index;
  }
  const all = new Set(stages.map((s) => s.index));
  if (selection.everyStageUpToTarget) return { ok: true, target, stages: new Set(stages.filter((s) => s.index <= target).map((s) => s.index)), stageCount: stages.length };
  const needed = new Set<number>();
  const queue = [target];
  while (queue.length > 0) {
    const index = queue.pop()!;
    if (needed.has(index)) continue;
    needed.add(index);
    const stage = stages[index]!;
    if (stage.base === undefined) return { ok: true, target, stages: all, stageCount: stages.length };
    const fromStage = findStage(stages, stage.base, false, index);
    if (fromStage !== undefined) queue.push(fromStage);
    for (const ref of stage.refs) {
      if (ref === undefined) return { ok: true, target, stages: all, stageCount: stages.length };
      const found = findStage(stages, ref, true, stages.length);
      if (found !== undefined) queue.push(found);
    }
  }
  return { ok: true, target, stages: needed, stageCount: stages.length };
}
