import type { ActiveKind, PlannedSecret } from './build-plan.js';

/**
 * The arguments each strategy would add, with placeholders in place of the paths, sockets and
 * URLs that only exist once secrets are resolved. Used by `--dry-run`, which resolves nothing.
 */
export function placeholderArgs(kind: ActiveKind, secrets: readonly PlannedSecret[]): string[] {
  switch (kind) {
    case 'secret-mount':
      return secrets.flatMap(({ id, config }) =>
        config.source === 'env'
          ? ['--secret', `id=${id},env=${config.env ?? `BUILDSECRET_${id.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`}`]
          : ['--secret', `id=${id},src=<tmpfs>/${id}`],
      );
    case 'ssh-agent': {
      const ids = [...new Set(secrets.map(({ config }) => config.sshId ?? 'default'))];
      return ids.flatMap((sshId) => ['--ssh', `${sshId}=<agent socket>`]);
    }
    case 'served-file':
      return ['--build-arg', `<served-file url and one-time token for ${secrets.map((s) => s.id).join(', ')}>`];
    case 'build-arg':
      return secrets.flatMap(({ id, config }) => ['--build-arg', config.buildArg ?? id]);
  }
}

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./<>-]+$/;

/** Quote one argument for display as a POSIX shell word. */
function shellWord(arg: string): string {
  if (arg !== '' && SAFE_WORD.test(arg) && !/[<>]/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Render a command for humans (`--dry-run`, `--verbose`), one shell-quoted line. */
export function formatCommand(command: readonly string[]): string {
  return command.map(shellWord).join(' ');
}
