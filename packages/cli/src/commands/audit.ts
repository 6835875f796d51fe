import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { auditImage, createRedactor, formatAuditReport, inspectDiffIds, resolveDockerBinary, SecretValue, UsageError, type AuditSecret, type Redactor } from '@buildsecrets/core';
import type { CliCommand, CliContext } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { FORMAT_OPTION, outputFormat } from '../sarif/output-format.js';
import { sarifLog } from '../sarif/sarif-log.js';
import { cliVersion } from '../version.js';

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Values named by `--values-from-env`; each must be set. Registered with a redactor so errors never show them. */
function valuesFromEnv(ctx: CliContext, names: readonly string[]): AuditSecret[] {
  const redactor: Redactor = createRedactor({ style: ctx.global.verbose ? 'id' : 'mask' });
  ctx.redactors.push(redactor);
  return names.map((name) => {
    const raw = ctx.env[name];
    if (raw === undefined || raw === '') throw new UsageError(`environment variable ${name} (from --values-from-env) is not set or empty`, { secretId: name });
    redactor.add(name, raw);
    return { id: name, value: SecretValue.from(raw) };
  });
}

/**
 * `buildsecrets audit IMAGE|ARCHIVE`: scan an image (streamed from `docker save`) or a saved
 * archive for the configured secret values, or for ad-hoc values taken from environment variables.
 */
export const auditCommand: CliCommand = {
  name: 'audit',
  summary: 'scan an image or a saved archive for secret values (raw and encoded)',
  usage: 'audit IMAGE|ARCHIVE [--config FILE] [--values-from-env NAME...] [--format text|json|sarif] [--docker BIN]',
  details: [
    'IMAGE is read with `docker save` as a stream (nothing is extracted to disk); an existing file is read as a',
    'docker-archive or OCI-layout tar. Values come from the config (every configured secret is resolved), or',
    'from the named environment variables with --values-from-env (no config needed), or both.',
    'With --base, layers shared with that image are told apart: values found only there are listed as pre-existing.',
    'Exit codes: 0 clean (or only pre-existing values), 3 a value was found, 1 the image could not be read or a layer could not be scanned, 2 usage.',
    '',
    'Examples:',
    '  buildsecrets audit app:latest',
    '  NPM_TOKEN=… buildsecrets audit image.tar --values-from-env NPM_TOKEN',
    '  buildsecrets audit --json app:latest > audit.json',
    '  buildsecrets audit --format sarif app:latest > buildsecrets.sarif',
  ].join('\n'),
  options: {
    'values-from-env': { type: 'list', value: 'NAME', description: 'audit for the values of these environment variables (the id is the variable name)' },
    docker: { type: 'string', value: 'BIN', description: 'the docker binary (default BUILDSECRETS_DOCKER, build.docker, then docker)' },
    base: { type: 'list', value: 'IMAGE', description: 'base image(s): values found only in their layers are reported as pre-existing (exit 0)' },
    ...FORMAT_OPTION,
  },
  async run(ctx, args) {
    const format = outputFormat(args.values, ctx.global.json);
    const [target, ...extra] = args.positionals;
    if (!target || extra.length > 0) {
      // `--values-from-env A B IMAGE` would read IMAGE as a variable name.
      throw new UsageError('audit takes exactly one IMAGE or ARCHIVE', { hint: `put IMAGE first (--values-from-env takes every word after it): buildsecrets ${auditCommand.usage}` });
    }
    const envNames = (args.values['values-from-env'] as readonly string[] | undefined) ?? [];
    const secrets = valuesFromEnv(ctx, envNames);
    let configuredDocker: string | undefined;
    if (envNames.length === 0 || ctx.global.config !== undefined) {
      const bs = await ctx.open();
      configuredDocker = bs.config.build?.docker;
      for (const [id, value] of await bs.resolve({ signal: ctx.signal })) secrets.push({ id, value });
    }
    const option = args.values['docker'];
    const docker = resolveDockerBinary({ option: typeof option === 'string' ? option : undefined, env: ctx.env, config: configuredDocker });
    const env = Object.fromEntries(Object.entries(ctx.env).filter((e): e is [string, string] => e[1] !== undefined));
    const archive = resolve(ctx.cwd, target);
    const source = isFile(archive) ? { archive } : { image: target };
    const baseDiffIds: string[][] = [];
    for (const base of (args.values['base'] as readonly string[] | undefined) ?? []) {
      const ids = await inspectDiffIds(docker, base, env, ctx.signal);
      if (!Array.isArray(ids)) throw new UsageError(`base image ${base} cannot be used: ${ids.reason}`, { hint: 'pull or build it first, or leave out --base' });
      baseDiffIds.push(ids);
    }
    const report = await auditImage({ ...source, docker, env, secrets, signal: ctx.signal, baseDiffIds });
    const redact = (text: string): string => ctx.redactors.reduce((t, r) => r.redact(t), text);
    // The report never holds a value; redacting it anyway costs nothing and guards the output.
    const exitCode = report.findings.length > 0 ? EXIT.leak : report.unscanned.length > 0 ? EXIT.failure : EXIT.ok;
    const text = format === 'sarif'
      ? JSON.stringify(sarifLog({ target: report.source, findings: report.findings, preExisting: report.preExisting, unscanned: report.unscanned, tooShort: report.tooShort, exitCode, version: cliVersion() }), null, 2)
      : format === 'json' ? JSON.stringify(report, null, 2) : formatAuditReport(report, { color: ctx.global.color });
    ctx.stdout.write(`${redact(text)}\n`);
    return exitCode;
  },
};
