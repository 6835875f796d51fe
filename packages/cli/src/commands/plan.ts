import { planConfig } from '@buildsecrets/core';
import { CLI_PROVIDERS } from '../cli-providers.js';
import type { CliCommand } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { style } from '../style.js';

/** `--build-arg K=V` values (a bare `K` reads the environment, as docker does). */
function planBuildArgs(values: unknown, env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of Array.isArray(values) ? values : []) {
    if (typeof v !== 'string') continue;
    const eq = v.indexOf('=');
    if (eq > 0) out[v.slice(0, eq)] = v.slice(eq + 1);
    else if (env[v] !== undefined) out[v] = env[v]!;
  }
  return out;
}

/** `buildsecrets plan`: where each secret comes from and how it reaches the build; fetches nothing. */
export const planCommand: CliCommand = {
  name: 'plan',
  summary: 'show where each secret comes from and how it reaches the build (fetches nothing)',
  usage: 'plan [-f Dockerfile] [--target STAGE] [--build-arg K=V]… [CONTEXT] [--json]',
  details: 'Exits 2 when the Dockerfile and the config disagree in a way that would break the build (a mounted secret not configured, an ssh id not forwarded).',
  maxPositionals: 1,
  options: {
    file: { type: 'string', short: 'f', value: 'DOCKERFILE', description: 'Dockerfile to cross-check (default: CONTEXT/Dockerfile when present)' },
    target: { type: 'string', value: 'STAGE', description: 'the stage `build --target` would build: secrets its stages do not use are listed as not needed' },
    'build-arg': { type: 'list', value: 'K=V', description: 'build-args, for stage names written with ARGs (a bare K reads the environment; give CONTEXT before this option)' },
  },
  async run(ctx, args) {
    // planConfig composes nothing (no DI container, strategies or engine): plan starts fast.
    const dockerfile = args.values['file'];
    const target = args.values['target'];
    const buildArgs = planBuildArgs(args.values['build-arg'], ctx.env);
    const bs = await planConfig({
      ...(ctx.global.config !== undefined ? { configPath: ctx.global.config } : {}),
      cwd: ctx.cwd,
      env: ctx.env,
      providers: CLI_PROVIDERS,
      redaction: ctx.global.verbose ? 'id' : 'mask',
      ...(typeof dockerfile === 'string' ? { dockerfile } : {}),
      ...(args.positionals[0] ? { context: args.positionals[0] } : {}),
      ...(typeof target === 'string' ? { target } : {}),
      buildArgs,
    });
    ctx.redactors.push(bs.redactor);
    const plan = bs.plan;
    const notNeeded = new Set(plan.notNeeded ?? []);
    const errors = plan.findings.filter((f) => f.severity === 'error');
    if (ctx.global.json) {
      // A `${VAR}` interpolated into a ref is a secret too: everything printed goes through the redactor.
      ctx.stdout.write(`${bs.redactor.redact(JSON.stringify({ ok: errors.length === 0, configFile: bs.configFile ?? null, ...plan }, null, 2))}\n`);
      return errors.length ? EXIT.usage : EXIT.ok;
    }
    const s = style(ctx.global.color);
    const lines = [`config: ${bs.configFile ?? '(inline)'}`, ''];
    if (plan.secrets.length === 0) lines.push('no secrets configured');
    for (const secret of plan.secrets) {
      // The instance, what it uses, and the definition's own name when `use` is a path or package.
      const source = secret.providerName && secret.providerName !== secret.use ? `${secret.use}, provider ${secret.providerName}` : secret.use;
      const where = [`${secret.provider} (${source})`, `ref ${secret.ref}`, secret.key ? `key ${secret.key}` : '', secret.version ? `version ${secret.version}` : ''].filter(Boolean).join(', ');
      lines.push(`${secret.id}`, `  from     ${where}`);
      if (secret.description) lines.push(`  reads    ${secret.description}`);
      lines.push(`  inject   ${secret.inject}${secret.detail ? ` ${s.dim(`(${secret.detail})`)}` : ''}`);
      if (notNeeded.has(secret.id)) lines.push(`  ${s.dim(`not needed by this target (${plan.target ?? 'last stage'}): not fetched by build`)}`);
      if (secret.cache) lines.push(`  cache    ${secret.cache.mode} ${s.dim(`(--build-arg ${secret.cache.buildArg}; declare ARG ${secret.cache.buildArg} before each RUN that mounts it)`)}`);
    }
    if (plan.dockerfile) lines.push('', `dockerfile: ${plan.dockerfile}`);
    // Errors first, then warnings; the line number once, in front (messages that name it already are not prefixed).
    const ordered = [...plan.findings.filter((f) => f.severity === 'error'), ...plan.findings.filter((f) => f.severity !== 'error')];
    for (const f of ordered) {
      const tag = f.severity === 'error' ? s.bad('error') : s.warn('warning');
      const line = f.line !== undefined ? `line ${f.line}` : undefined;
      const message = line !== undefined ? f.message.replace(new RegExp(` at ${line}\\b`), '') : f.message;
      lines.push(`  ${tag} ${line !== undefined ? `${line}: ` : ''}${message}`);
    }
    if (plan.dockerfile && plan.findings.length === 0) lines.push(`  ${s.ok('ok')} every mounted secret is configured and every configured secret is mounted`);
    ctx.stdout.write(`${bs.redactor.redact(lines.join('\n'))}\n`);
    return errors.length ? EXIT.usage : EXIT.ok;
  },
};
