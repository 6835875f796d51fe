import { BuildSecretsError } from './build-secrets-error.js';

/** A file of the build context that holds a resolved value (or, in strict mode, is a credential file). Never holds the value. */
export interface ContextFinding {
  /** Path relative to the build context. */
  readonly path: string;
  /** The secret whose value is in the file; undefined for a credential file found by name. */
  readonly secretId?: string;
  /** How it was found: an encoding (`raw`, `base64`, …) or the credential-file kind. */
  readonly reason: string;
}

/**
 * The build context holds a resolved secret value (or, with `build.contextCheck: strict`, a
 * well-known credential file): the build was not started, because `COPY . .` would put it in the image.
 */
export class ContextLeakError extends BuildSecretsError {
  /** Every file found. */
  readonly findings: readonly ContextFinding[];

  constructor(findings: readonly ContextFinding[]) {
    const lines = findings.slice(0, 20).map((f) => `  - ${f.path}: ${f.secretId ? `value of secret "${f.secretId}" (${f.reason})` : f.reason}`);
    const more = findings.length > 20 ? [`  … and ${findings.length - 20} more`] : [];
    super('CONTEXT_LEAK', `the build context holds ${findings.length} file${findings.length === 1 ? '' : 's'} that must not be sent to the engine; the build was not started:\n${[...lines, ...more].join('\n')}`, {
      hint: 'add the file to .dockerignore (or <Dockerfile>.dockerignore), move it out of the context, or remove the value from it',
      ...(findings.length === 1 && findings[0]!.secretId ? { secretId: findings[0]!.secretId } : {}),
    });
    this.findings = findings;
  }
}
