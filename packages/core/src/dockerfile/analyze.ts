import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors/index.js';
import { scanDirectives } from './directives.js';
import { handleArg, handleEnv, handleFrom, handleRun, type AnalysisState } from './instructions.js';
import { readInstructions } from './logical-lines.js';
import type { DockerfileAnalysis } from './types.js';

/** Options for {@link analyzeDockerfile}. */
export interface AnalyzeDockerfileOptions {
  /** The path the text came from, carried into the analysis for messages. */
  readonly file?: string;
}

const KNOWN = new Set([
  'FROM', 'RUN', 'CMD', 'LABEL', 'MAINTAINER', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME',
  'USER', 'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL',
]);

/**
 * Read a Dockerfile: parser directives, stages, every RUN's secret and ssh mounts and flags, and
 * the ARG and ENV names of each stage. Never throws: malformed input becomes
 * {@link DockerfileAnalysis.diagnostics}. Values (ARG defaults, ENV values, commands) are not kept.
 *
 * @example
 * ```ts
 * const plan = analyzeDockerfile('FROM alpine\nRUN --mount=type=secret,id=npm,required sh -c "…"');
 * plan.secretMounts[0]?.id; // 'npm'
 * ```
 */
export function analyzeDockerfile(text: string, options: AnalyzeDockerfileOptions = {}): DockerfileAnalysis {
  const lines = text.replace(/^\uFEFF/, '').split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const { directives, diagnostics } = scanDirectives(lines);
  const state: AnalysisState = { escape: directives.escape, stages: [], runs: [], args: [], envs: [], diagnostics };
  for (const ins of readInstructions(lines, directives.escape, diagnostics)) {
    if (!KNOWN.has(ins.keyword)) {
      diagnostics.push({ severity: 'error', code: 'unknown-instruction', message: `unknown instruction "${ins.keyword.slice(0, 40)}"`, line: ins.line });
      continue;
    }
    if (state.stages.length === 0 && ins.keyword !== 'FROM' && ins.keyword !== 'ARG') {
      diagnostics.push({ severity: 'error', code: 'instruction-before-from', message: `${ins.keyword} comes before the first FROM (only ARG may)`, line: ins.line });
    }
    if (ins.keyword === 'FROM') handleFrom(state, ins);
    else if (ins.keyword === 'ARG') handleArg(state, ins);
    else if (ins.keyword === 'ENV') handleEnv(state, ins);
    else if (ins.keyword === 'RUN') handleRun(state, ins);
  }
  if (state.stages.length === 0) diagnostics.push({ severity: 'error', code: 'no-from', message: 'the Dockerfile has no FROM instruction', line: undefined });
  return {
    file: options.file,
    directives,
    stages: state.stages,
    runs: state.runs,
    secretMounts: state.runs.flatMap((r) => r.secretMounts),
    sshMounts: state.runs.flatMap((r) => r.sshMounts),
    args: state.args,
    envs: state.envs,
    diagnostics,
  };
}

/** Read and analyse a Dockerfile from disk (UTF-8). A file that cannot be read is a {@link UsageError}. */
export async function readDockerfile(path: string): Promise<DockerfileAnalysis> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new UsageError(`cannot read the Dockerfile ${path}`, { cause, hint: 'check the path (--file, or build.dockerfile in the config)' });
  }
  return analyzeDockerfile(text, { file: path });
}
