import { writeFileSync, appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { AuditError, UsageError, createBuildSecrets, isBuildSecretsError, LeakDetectedError, type BuildOptions, type BuildResult, type BuildSecrets, type LeakFinding } from '@buildsecrets/core';
import { exitCodeFor } from '../exit-codes.js';
import { sarifLog } from '../sarif/sarif-log.js';
import { cliVersion } from '../version.js';
import { readInputs } from './action-inputs.js';
import { jobSummary, type SummaryInput } from './job-summary.js';
import { startMasking } from './runner-masks.js';
import { issueCommand, resumeCommands, setOutput, stdoutSink, stopCommands, type CommandSink } from './workflow-commands.js';

/** What the entry point is given: the runner's environment and where its stdout goes. */
export interface ActionIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly sink?: CommandSink;
}

/** The engine's output as log lines, with workflow commands switched off while it runs. */
function engineOutput(sink: CommandSink): { stream: Writable; end(): void } {
  let token: string | undefined;
  let pending = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      // The first engine byte comes after every secret was resolved (and masked): only now stop commands.
      token ??= stopCommands(sink);
      pending += chunk.toString('utf8');
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) sink(line);
      done();
    },
  });
  return {
    stream,
    end() {
      if (pending) sink(pending);
      pending = '';
      if (token) resumeCommands(sink, token);
    },
  };
}

function buildOptions(inputs: ReturnType<typeof readInputs>, cwd: string): BuildOptions {
  const engineArgs = [...inputs.tags.flatMap((t) => ['-t', t]), ...inputs.buildArgs.flatMap((a) => ['--build-arg', a]), ...inputs.extraArgs];
  return {
    context: resolve(cwd, inputs.context),
    engineArgs,
    ...(inputs.file ? { dockerfile: resolve(cwd, inputs.file) } : {}),
    ...(inputs.engine ? { engine: inputs.engine as NonNullable<BuildOptions['engine']> } : {}),
    ...(inputs.audit ? { audit: inputs.audit as NonNullable<BuildOptions['audit']> } : {}),
    ...(inputs.push ? { push: true } : {}),
  };
}

/**
 * The GitHub Action: `plan`, then `build` (the push gate when `push: true`), then the SARIF file,
 * the job summary and the outputs. Every value the run registers is masked with the runner the
 * moment it is resolved. Uploads nothing. Resolves to the exit code (0, 3 leak, 1/2 failure).
 */
export async function runAction(io: ActionIo): Promise<number> {
  const sink = io.sink ?? stdoutSink;
  const env = io.env;
  const masks = startMasking(sink);
  let bs: BuildSecrets | undefined;
  const summary: { -readonly [K in keyof SummaryInput]: SummaryInput[K] } = { outcome: 'failed', findings: [], pushed: [], sarifFile: '' };
  let exitCode = 1;
  let result: BuildResult | undefined;
  let findings: readonly LeakFinding[] = [];
  let failure: string | undefined;
  const output = engineOutput(sink);
  try {
    const inputs = readInputs(env);
    const engines = ['auto', 'docker-buildx', 'docker-buildkit', 'docker-classic', 'podman', 'buildah'];
    if (inputs.engine && !engines.includes(inputs.engine)) throw new UsageError(`input engine must be one of ${engines.join(', ')}, not "${inputs.engine}"`);
    summary.sarifFile = resolve(inputs.workingDirectory, inputs.sarifFile);
    bs = await createBuildSecrets({
      cwd: inputs.workingDirectory, env,
      ...(inputs.config ? { configPath: resolve(inputs.workingDirectory, inputs.config) } : {}),
      onSecret: (_label, value) => masks.add(value),
      log: (line) => sink(line),
    });
    if (inputs.plan) {
      const plan = await bs.plan({ context: resolve(inputs.workingDirectory, inputs.context), ...(inputs.file ? { dockerfile: resolve(inputs.workingDirectory, inputs.file) } : {}) });
      summary.planned = plan.secrets.map((s) => ({ id: s.id, provider: s.provider, inject: s.inject }));
      for (const f of plan.findings) sink(`plan: ${bs.redactor.redact(JSON.stringify(f))}`);
    }
    result = await bs.build({ ...buildOptions(inputs, inputs.workingDirectory), output: output.stream });
    output.end();
    findings = result.audit?.leaks ?? [];
    summary.outcome = 'clean';
    exitCode = 0;
  } catch (error) {
    output.end();
    exitCode = exitCodeFor(error);
    if (error instanceof LeakDetectedError) {
      findings = error.findings;
      summary.outcome = 'leak';
    }
    const message = isBuildSecretsError(error) ? error.message : `internal error (${error instanceof Error ? error.name : typeof error})`;
    failure = error instanceof LeakDetectedError ? undefined : message.replace(/^\[buildsecrets\] /, '');
    const redacted = bs ? bs.redactor.redact(message) : message;
    summary.error = redacted;
    issueCommand(sink, 'error', redacted, { title: error instanceof LeakDetectedError || error instanceof AuditError ? 'buildsecrets audit' : 'buildsecrets' });
  }
  const redact = (text: string): string => (bs ? bs.redactor.redact(text) : text);
  summary.findings = findings;
  summary.pushed = result?.pushed ?? [];
  if (result?.imageId) summary.imageId = result.imageId;
  if (summary.error) summary.error = redact(summary.error);
  try {
    if (summary.sarifFile) {
      const log = sarifLog({ target: result?.imageId ?? 'the built image', findings, preExisting: result?.audit?.preExisting ?? [], unscanned: (result?.audit?.unscanned ?? []).map((u) => ({ layer: u.split(': ')[0] ?? u, reason: u.split(': ').slice(1).join(': ') })), exitCode, version: cliVersion(), ...(failure ? { failure: redact(failure) } : {}) });
      writeFileSync(summary.sarifFile, `${redact(JSON.stringify(log, null, 2))}\n`);
    }
    const outputFile = env['GITHUB_OUTPUT'];
    if (outputFile) {
      setOutput(outputFile, 'result', summary.outcome);
      setOutput(outputFile, 'image-id', result?.imageId ?? '');
      setOutput(outputFile, 'digest', result?.pushed?.[0]?.digest ?? '');
      setOutput(outputFile, 'pushed', (result?.pushed ?? []).map((p) => `${p.reference}@${p.digest}`).join('\n'));
      setOutput(outputFile, 'findings', String(findings.length));
      setOutput(outputFile, 'sarif-file', summary.sarifFile);
    }
    const summaryFile = env['GITHUB_STEP_SUMMARY'];
    if (summaryFile) appendFileSync(summaryFile, redact(jobSummary(summary)));
  } finally {
    await bs?.dispose();
  }
  return exitCode;
}
