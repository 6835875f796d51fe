import { AuditError, EngineError, LeakDetectedError, describeEngineReport, formatCommand, type BuildResult } from '@buildsecrets/core';
import { FORMAT_OPTION, outputFormat } from '../sarif/output-format.js';
import { sarifLog } from '../sarif/sarif-log.js';
import { cliVersion } from '../version.js';
import type { CliCommand } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { renderError } from '../render-error.js';
import { buildOptionsFrom } from './build-args.js';

/**
 * `buildsecrets build [options] [docker build args] CONTEXT`: resolve every secret, hand each to
 * BuildKit its configured way, build, remove everything from the host, and audit the image.
 * Options it does not know (`-t app`, `--build-arg X=1`, `--platform …`) go to docker untouched.
 */
export const buildCommand: CliCommand = {
  name: 'build',
  summary: 'build an image with every secret delivered safely, then audit it for leaks',
  usage: 'build [options] [docker build args] CONTEXT',
  details: [
    'Unknown options and their values are passed to `docker build` untouched; the last argument is the context.',
    'The engine output is redacted. On success the image id is printed on stdout.',
    'With --push (or build.push: true) the image is built locally, audited, and only a clean image is pushed, each -t',
    'tag with the engine\'s own push (docker push, podman push, buildah push); the pushed REF@DIGEST lines follow the image id.',
    'The engine is never asked to push (--output type=registry and push=true are refused). Log in with the engine\'s own login.',
    'Exit codes: 0 ok, the build\'s own code when docker fails, 1 other failures, 2 usage/config, 3 leak found, 130/143 interrupted.',
    '',
    'Examples:',
    '  buildsecrets build -t app .',
    '  buildsecrets build -f docker/Dockerfile --build-arg VERSION=1.2 --progress=plain -t app .',
    '  buildsecrets build --dry-run -t app .',
    '  buildsecrets build --push -t registry.example:5000/app:1.2 .',
    '  buildsecrets build --format sarif -t app . > buildsecrets.sarif',
  ].join('\n'),
  passthrough: true,
  options: {
    file: { type: 'string', short: 'f', value: 'FILE', description: 'the Dockerfile (default CONTEXT/Dockerfile, or build.dockerfile in the config)' },
    docker: { type: 'string', value: 'BIN', description: 'the docker binary (default BUILDSECRETS_DOCKER, build.docker, then docker)' },
    engine: { type: 'string', value: 'NAME', description: 'auto (default), docker-buildx, docker-buildkit, docker-classic, podman or buildah (also BUILDSECRETS_ENGINE, build.engine)' },
    'dry-run': { type: 'boolean', description: 'print the docker command (values redacted) and fetch/start nothing' },
    audit: { type: 'string', value: 'fail|warn|off', description: 'what a leak found in the built image does (default from build.audit: fail; true/false mean fail/off)' },
    'no-audit': { type: 'boolean', description: 'skip the post-build audit (same as --audit=off)' },
    'base-layers': { type: 'string', value: 'fail|warn|ignore', description: 'what a value found only in base-image layers does (default from build.audit.baseLayers: warn)' },
    push: { type: 'boolean', description: 'the push gate: build locally, audit, push every -t tag only if the audit is clean (also build.push)' },
    'push-tls-verify': { type: 'string', value: 'true|false', description: 'podman/buildah: verify the registry certificate when pushing (default true)' },
    'push-cert-dir': { type: 'string', value: 'DIR', description: 'podman/buildah: CA certificates (*.crt) for the registry when pushing' },
    ...FORMAT_OPTION,
  },
  async run(ctx, args) {
    const options = buildOptionsFrom(args, ctx.cwd);
    const format = outputFormat(args.values, ctx.global.json);
    const bs = await ctx.open();
    const sarif = (target: string, exitCode: number, audit: Pick<NonNullable<BuildResult['audit']>, 'leaks' | 'preExisting'> & { unscanned?: readonly string[] }, failure?: string): void => {
      const unscanned = (audit.unscanned ?? []).map((u) => ({ layer: u.split(': ')[0] ?? u, reason: u.split(': ').slice(1).join(': ') || 'not searched' }));
      ctx.stdout.write(`${bs.redactor.redact(JSON.stringify(sarifLog({ target, findings: audit.leaks, preExisting: audit.preExisting, unscanned, exitCode, version: cliVersion(), ...(failure ? { failure } : {}) }), null, 2))}\n`);
    };
    try {
      const result = await bs.build({ ...options, signal: ctx.signal, output: ctx.stderr });
      if (format === 'sarif' && !options.dryRun) {
        sarif(result.imageId ?? 'the built image', 0, result.audit ?? { leaks: [], preExisting: [] });
      } else if (format === 'json') {
        ctx.stdout.write(`${bs.redactor.redact(JSON.stringify({ ok: true, dryRun: options.dryRun === true, ...result }, null, 2))}\n`);
      } else if (options.dryRun) {
        if (result.engine) ctx.stderr.write(`${bs.redactor.redact(describeEngineReport(result.engine))}\n`);
        ctx.stdout.write(`${bs.redactor.redact(formatCommand(result.command))}\n`);
      } else if (result.imageId) {
        ctx.stdout.write(`${result.imageId}\n`);
        // The push gate's result: one REF@DIGEST per pushed tag (the digest the registry stored).
        for (const pushed of result.pushed ?? []) ctx.stdout.write(`${pushed.reference}@${pushed.digest}\n`);
      }
      return EXIT.ok;
    } catch (error) {
      // The SARIF log is written for a failed audit too: that is when code scanning needs it.
      if (format === 'sarif' && error instanceof LeakDetectedError) sarif(error.image ?? 'the built image', EXIT.leak, { leaks: error.findings, preExisting: [] });
      else if (format === 'sarif' && error instanceof AuditError) sarif('the built image', EXIT.failure, { leaks: [], preExisting: [] }, error.message.replace(/^\[buildsecrets\] /, ''));
      // A failed build exits with docker's own code, so scripts see what docker would have said.
      if (error instanceof EngineError && error.exitCode !== undefined && !ctx.signal.aborted) {
        ctx.stderr.write(`${renderError(error, { verbose: ctx.global.verbose, redactors: ctx.redactors })}\n`);
        return error.exitCode;
      }
      throw error;
    }
  },
};
