import { resolve } from 'node:path';

/** The value of `--name VALUE` or `--name=VALUE` (the last one wins, as in docker), if given. */
function optionValue(args: readonly string[], names: readonly string[]): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    for (const name of names) {
      if (arg === name && i + 1 < args.length) value = args[i + 1];
      else if (name.startsWith('--') && arg.startsWith(`${name}=`)) value = arg.slice(name.length + 1);
    }
  }
  return value;
}

/**
 * The user's own `--iidfile` (resolved against the directory docker runs in), if they passed one:
 * the build reads the image id from it instead of adding its own, so the audit still runs.
 */
export function userIidFile(engineArgs: readonly string[], cwd: string): string | undefined {
  const file = optionValue(engineArgs, ['--iidfile']);
  return file ? resolve(cwd, file) : undefined;
}

/**
 * What `-o` / `--output` exports to, when it is not only an image (`type=local`, `type=tar`,
 * `type=oci`, `type=docker`, or a plain directory), with `dest` resolved against `cwd`.
 * `undefined` when no export was asked for or it is an image the engine reports
 * (`type=image`, `type=registry`). `dest` `-` means stdout.
 */
export function exportTarget(engineArgs: readonly string[], cwd: string): { type: string; dest: string } | undefined {
  const output = optionValue(engineArgs, ['-o', '--output']);
  if (output === undefined) return undefined;
  if (!output.includes('=')) return { type: 'local', dest: output === '-' ? '-' : resolve(cwd, output) };
  const fields = new Map(output.split(',').map((kv) => [kv.slice(0, kv.indexOf('=')).trim(), kv.slice(kv.indexOf('=') + 1)] as const));
  const type = fields.get('type') ?? 'local';
  if (type === 'image' || type === 'registry' || type === 'moby') return undefined;
  const dest = fields.get('dest') ?? '-';
  return { type, dest: dest === '-' ? '-' : resolve(cwd, dest) };
}
