import { join } from 'node:path';
import { InvalidSecretError } from '../../errors/index.js';
import type { TempDir } from '../../provider/types.js';
import type { InjectionStrategy, PreparedInjection, SecretForInjection, StrategyContext } from '../types.js';
import { loadAgentKey, type AgentKey } from './agent-key.js';
import { startAgent, type AgentServer } from './agent-server.js';
import { loadSsh2, type Ssh2Api } from './load-ssh2.js';

/** The BuildKit ssh id used when a secret names none. */
export const DEFAULT_SSH_ID = 'default';

function keysOf(ssh2: Ssh2Api, secret: SecretForInjection, context: StrategyContext): AgentKey[] {
  const passphraseId = secret.config.passphraseFrom;
  const passphrase = passphraseId === undefined ? undefined : context.lookup(passphraseId);
  if (passphraseId !== undefined && passphrase === undefined) {
    throw new InvalidSecretError(`ssh-agent: secret ${secret.id} names passphraseFrom ${passphraseId}, which was not resolved`, {
      secretId: secret.id,
      hint: `define secrets.${passphraseId} (inject: none) in buildsecrets.yaml`,
    });
  }
  const keyBytes = secret.value.reveal();
  const passBytes = passphrase?.reveal();
  try {
    return loadAgentKey(ssh2, secret.id, keyBytes, passBytes);
  } finally {
    keyBytes.fill(0);
    passBytes?.fill(0);
  }
}

/**
 * The ssh-agent strategy: an in-process SSH agent per BuildKit ssh id (`sshId`, default
 * `default`), on a unix socket in a private 0700 directory, handed to the build as
 * `--ssh <id>=<socket>`. Keys are parsed in memory (never written to disk) and the agent only
 * lists and signs: adding, removing, locking and extensions are refused. Every signature is
 * logged with the key fingerprint, never key material.
 */
export function sshAgentStrategy(): InjectionStrategy {
  return {
    kind: 'ssh-agent',
    async prepare(secrets: readonly SecretForInjection[], context: StrategyContext): Promise<PreparedInjection> {
      const ssh2 = await loadSsh2();
      const groups = new Map<string, AgentKey[]>();
      for (const secret of secrets) {
        const sshId = secret.config.sshId ?? DEFAULT_SSH_ID;
        groups.set(sshId, [...(groups.get(sshId) ?? []), ...keysOf(ssh2, secret, context)]);
      }

      const agents: AgentServer[] = [];
      let dir: TempDir | undefined;
      let disposed: Promise<void> | undefined;
      const dispose = (): Promise<void> =>
        (disposed ??= (async () => {
          await Promise.all(agents.map((a) => a.close()));
          await dir?.remove();
        })());

      const engineArgs: string[] = [];
      const summary: string[] = [];
      try {
        dir = await context.tempDir('ssh');
        let index = 0;
        for (const [sshId, keys] of groups) {
          // Numbered, not named after the id: the path stays short and says nothing.
          const agent = await startAgent({ ssh2, sshId, socketPath: join(dir.path, `agent-${index++}.sock`), keys, logger: context.logger });
          agents.push(agent);
          engineArgs.push('--ssh', `${sshId}=${agent.socketPath}`);
          summary.push(`ssh-agent: --ssh ${sshId} with ${keys.map((k) => `${k.fingerprint} (${k.secretId})`).join(', ')}`);
        }
      } catch (err) {
        await dispose();
        throw err;
      }
      return { engineArgs, env: {}, summary, dispose };
    },
  };
}
