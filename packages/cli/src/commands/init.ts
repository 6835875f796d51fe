import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from '@buildsecrets/core';
import type { CliCommand } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { STARTER_CONFIG } from './init-template.js';

/** `buildsecrets init`: write a commented starter config; never overwrites. */
export const initCommand: CliCommand = {
  name: 'init',
  summary: 'write a commented starter buildsecrets.yaml',
  usage: 'init [PATH]',
  details: 'Refuses to overwrite an existing file.',
  maxPositionals: 1,
  options: {},
  async run(ctx, args) {
    const target = resolve(ctx.cwd, args.positionals[0] ?? 'buildsecrets.yaml');
    let handle;
    try {
      // O_EXCL: checking and creating in one step, so a file that appears meanwhile is never clobbered.
      handle = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new UsageError(`${target} already exists; not overwriting it`, { hint: 'edit it, or remove it first' });
      if (code === 'ENOENT') throw new UsageError(`cannot create ${target}: the directory ${dirname(target)} does not exist`, { hint: `create it first (mkdir -p ${dirname(target)}), or name a file in an existing directory` });
      if (code === 'ENOTDIR') throw new UsageError(`cannot create ${target}: a part of ${dirname(target)} is a file, not a directory`, { hint: 'name a file in an existing directory' });
      if (code === 'EACCES' || code === 'EPERM') throw new UsageError(`cannot create ${target}: permission denied in ${dirname(target)}`, { hint: 'pick a directory you can write to' });
      if (code === 'EISDIR') throw new UsageError(`cannot create ${target}: it is a directory`, { hint: `name a file, e.g. ${target}/buildsecrets.yaml` });
      throw new UsageError(`cannot create ${target}`, { cause: err });
    }
    try {
      await handle.writeFile(STARTER_CONFIG, 'utf8');
    } finally {
      await handle.close();
    }
    ctx.stdout.write(ctx.global.json ? `${JSON.stringify({ ok: true, file: target })}\n` : `wrote ${target}\nnext: buildsecrets plan, then buildsecrets check\n`);
    return EXIT.ok;
  },
};
