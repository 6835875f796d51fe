import { z } from '@buildsecrets/core';

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Options of the exec provider. */
export const execOptionsSchema = z
  .object({
    command: z.string().min(1).describe('The provider executable: a name looked up on PATH, or a path (relative paths are resolved against the config directory).'),
    args: z.array(z.string()).default([]).describe('Arguments placed before the secret ref, which is always the last argument.'),
    env: z.array(z.string().regex(VAR_NAME, 'must be an environment variable name')).default([]).describe('Names of the variables passed to the command (PATH is always passed); nothing else is.'),
    timeoutMs: z.number().int().min(1).max(600_000).default(10_000).describe('Per-call time limit in ms (default 10000); the whole process group is killed when it passes.'),
    maxOutputBytes: z.number().int().min(1).max(10 * 1024 * 1024).default(500 * 1024).describe('Largest value accepted on stdout (default 500 KiB, the BuildKit limit); more kills the command.'),
    concurrency: z.number().int().min(1).max(64).default(4).describe('Commands running at once (default 4).'),
    trimTrailingNewline: z.boolean().default(false).describe('Drop one trailing "\\n" (or "\\r\\n") from the output, for scripts that `echo` the value.'),
    notFoundPattern: z.string().min(1).optional().describe('A regular expression (case-insensitive) matched against stderr of a failed call that means "no such secret".'),
  })
  .strict();

/** Parsed options of the exec provider. */
export type ExecOptions = z.output<typeof execOptionsSchema>;
