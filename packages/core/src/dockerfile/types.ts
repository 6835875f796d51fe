/**
 * What {@link analyzeDockerfile} finds in a Dockerfile. Nothing here holds a value: ARG defaults
 * and ENV values are deliberately dropped, only names and positions are kept.
 */

/** The escape characters a `# escape=` directive may choose. */
export type EscapeChar = '\\' | '`';

/** Where an item sits: the 1-based line its instruction starts on and the build stage. */
export interface DockerfileLocation {
  /** 1-based line of the instruction start (the first line of a continued instruction). */
  readonly line: number;
  /** Stage index (0 for the first `FROM`); -1 for global `ARG`s before the first `FROM`. */
  readonly stage: number;
  /** The stage's `AS` name (lower-cased, as BuildKit treats it), if it has one. */
  readonly stageName: string | undefined;
}

/** One build stage (`FROM image [AS name]`). */
export interface DockerfileStage {
  /** 0-based index. */
  readonly index: number;
  /** The `AS` name, lower-cased; undefined when unnamed. */
  readonly name: string | undefined;
  /** The base image or earlier stage name, as written. */
  readonly base: string;
  /** 1-based line of the `FROM`. */
  readonly line: number;
}

/** A `RUN --mount=type=secret,…`. */
export interface SecretMount extends DockerfileLocation {
  /** The secret id (explicit `id=`/`source=`, or the basename of `target`). */
  readonly id: string;
  /** Where the file appears; undefined for an env-only mount (`env=` without `target=`). */
  readonly target: string | undefined;
  /** Whether BuildKit fails the step when the secret is missing (default false: an empty/absent file). */
  readonly required: boolean;
  /** File mode, when set (`mode=0400` is BuildKit's default). */
  readonly mode: number | undefined;
  /** Environment variable the secret is exposed as inside the step (`env=`). */
  readonly env: string | undefined;
}

/** A `RUN --mount=type=ssh,…`. */
export interface SshMount extends DockerfileLocation {
  /** The ssh id (default `default`); must match a `--ssh <id>=…` of the build. */
  readonly id: string;
  /** Socket path in the step, when set. */
  readonly target: string | undefined;
  /** Whether BuildKit fails the step when no agent is forwarded for this id (default false). */
  readonly required: boolean;
  /** Socket mode, when set. */
  readonly mode: number | undefined;
}

/** One `RUN` instruction. */
export interface RunInstruction extends DockerfileLocation {
  /** `exec` for the JSON array form, `shell` otherwise. */
  readonly form: 'exec' | 'shell';
  /** `--network=` value, when given. */
  readonly network: string | undefined;
  /** `--security=` value, when given. */
  readonly security: string | undefined;
  /** Secret mounts of this step. */
  readonly secretMounts: readonly SecretMount[];
  /** SSH mounts of this step. */
  readonly sshMounts: readonly SshMount[];
  /** Number of heredocs attached to this step. */
  readonly heredocs: number;
}

/** One name declared by `ARG` (several per line are separate entries). */
export interface ArgDeclaration extends DockerfileLocation {
  /** The ARG name. */
  readonly name: string;
  /** Whether a default (`ARG name=…`) was written; the default itself is not kept. */
  readonly hasDefault: boolean;
}

/** One name set by `ENV` (`ENV a=b c=d` or legacy `ENV a b`). */
export interface EnvDeclaration extends DockerfileLocation {
  /** The variable name. */
  readonly name: string;
}

/** A problem found while reading the Dockerfile; the analysis continues past it. */
export interface DockerfileDiagnostic {
  /** `error` when BuildKit would reject the file, `warning` when the analysis may be incomplete. */
  readonly severity: 'error' | 'warning';
  /** Stable code, e.g. `unterminated-heredoc`, `invalid-mount`, `unknown-mount-type`. */
  readonly code: string;
  /** What is wrong (names and positions only). */
  readonly message: string;
  /** 1-based line, when known. */
  readonly line: number | undefined;
}

/** The parser directives at the top of the file. */
export interface DockerfileDirectives {
  /** `# syntax=` frontend image, if any. */
  readonly syntax: string | undefined;
  /** The escape character (`\` unless `# escape=` chose a backtick). */
  readonly escape: EscapeChar;
  /** Every directive seen, lower-cased names. */
  readonly all: Readonly<Record<string, string>>;
}

/** Everything the plan needs from a Dockerfile. */
export interface DockerfileAnalysis {
  /** The file the text came from, if known. */
  readonly file: string | undefined;
  /** Parser directives. */
  readonly directives: DockerfileDirectives;
  /** Build stages in order. */
  readonly stages: readonly DockerfileStage[];
  /** Every RUN step in order. */
  readonly runs: readonly RunInstruction[];
  /** Every secret mount of every RUN, in order. */
  readonly secretMounts: readonly SecretMount[];
  /** Every ssh mount of every RUN, in order. */
  readonly sshMounts: readonly SshMount[];
  /** Every ARG name, in order. */
  readonly args: readonly ArgDeclaration[];
  /** Every ENV name, in order. */
  readonly envs: readonly EnvDeclaration[];
  /** Problems found; never thrown. */
  readonly diagnostics: readonly DockerfileDiagnostic[];
}
