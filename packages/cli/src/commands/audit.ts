import { resolve } from 'node:path';
import { auditRegistryImage, auditSource, openImageSource, createRedactor, formatAuditReport, inspectDiffIds, resolveDockerBinary, SecretValue, UsageError, type AuditSecret, type Redactor } from '@buildsecrets/core';
import type { CliCommand, CliContext } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { REGISTRY_PREFIX, registryAuditOptions, registryOptionsFrom } from './audit-registry.js';
import { FORMAT_OPTION, outputFormat } from '../sarif/output-format.js';
import { sarifLog } from '../sarif/sarif-log.js';
import { cliVersion } from '../version.js';

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
 * `buildsecrets audit [TRANSPORT:]IMAGE`: scan an image wherever it lives (daemon, archive, OCI
 * layout, containers-storage; skopeo's transport names) for the configured secret values, or for ad-hoc values taken from environment variables.
 */
export const auditCommand: CliCommand = {
  name: 'audit',
  summary: 'scan an image or a saved archive for secret values (raw and encoded)',
  usage: 'audit [TRANSPORT:]IMAGE|ARCHIVE [--config FILE] [--values-from-env NAME...] [--format text|json|sarif] [--docker BIN] [--tls-verify=false] [--cert-dir DIR] [--ca-file FILE] [--authfile FILE]',
  details: [
    'Transports (as skopeo names them): docker-daemon:NAME, docker-archive:PATH, oci:DIR[:TAG], oci-archive:PATH,',
    'containers-storage:NAME (Podman/Buildah, read with `podman save`). A bare word is an existing archive file, else a',
    'daemon image; when it is both, it is refused as ambiguous (exit 2) - add a transport. Images are streamed, never',
    'extracted to disk; an image index is audited platform by platform, attestations (provenance, SBOM) included.',
    'Values come from the config (every configured secret is resolved), or',
    'from the named environment variables with --values-from-env (no config needed), or both.',
    'docker://[HOST[:PORT]/]REPO[:TAG|@DIGEST] reads the image from its registry over the Registry HTTP API v2 (no',
    'daemon): credentials from --authfile, REGISTRY_AUTH_FILE or the docker config (credential helpers too), every blob',
    'verified against its digest while it is scanned, every platform of an index audited.',
    'With --base, layers shared with that image are told apart: values found only there are listed as pre-existing.',
    'Exit codes: 0 clean (or only pre-existing values), 3 a value was found, 1 the image could not be read or a layer could not be scanned, 2 usage.',
    '',
    'Examples:',
    '  buildsecrets audit app:latest',
    '  buildsecrets audit oci:./out:v1',
    '  buildsecrets audit containers-storage:localhost/app:latest',
    '  NPM_TOKEN=… buildsecrets audit image.tar --values-from-env NPM_TOKEN',
    '  buildsecrets audit --json app:latest > audit.json',
    '  buildsecrets audit docker://registry.example:5000/team/app:v1 --cert-dir ./certs',
    '  buildsecrets audit --format sarif app:latest > buildsecrets.sarif',
  ].join('\n'),
  options: {
    'values-from-env': { type: 'list', value: 'NAME', description: 'audit for the values of these environment variables (the id is the variable name)' },
    docker: { type: 'string', value: 'BIN', description: 'the docker binary (default BUILDSECRETS_DOCKER, build.docker, then docker)' },
    base: { type: 'list', value: 'IMAGE', description: 'base image(s): values found only in their layers are reported as pre-existing (exit 0)' },
    ...registryAuditOptions,
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
    const fromRegistry = target.startsWith(REGISTRY_PREFIX);
    const registry = registryOptionsFrom(args, fromRegistry, (p) => resolve(ctx.cwd, p));
    // A registry image is opened only after the bases are read; its report also names the manifest digest read.
    const source = fromRegistry ? undefined : await openImageSource(target, { docker, env, cwd: ctx.cwd });
    const baseDiffIds: string[][] = [];
    for (const base of (args.values['base'] as readonly string[] | undefined) ?? []) {
      const ids = await inspectDiffIds(docker, base, env, ctx.signal);
      if (!Array.isArray(ids)) throw new UsageError(`base image ${base} cannot be used: ${ids.reason}`, { hint: 'pull or build it first, or leave out --base' });
      baseDiffIds.push(ids);
    }
    const report = source
      ? await auditSource(source, { secrets, signal: ctx.signal, baseDiffIds })
      : await auditRegistryImage({ ...registry, reference: target, env, secrets, signal: ctx.signal, baseDiffIds });
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
