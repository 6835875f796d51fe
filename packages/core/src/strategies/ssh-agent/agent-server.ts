import { chmod, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { StrategyRefusedError } from '../../errors/index.js';
import type { Logger } from '../../logging/logger.js';
import type { AgentKey } from './agent-key.js';
import { signForAgent } from './agent-signature.js';
import { AgentFrameFilter } from './agent-frame-filter.js';
import type { Ssh2Api } from './load-ssh2.js';

/** Connections at once per agent; a build opens one per ssh session. */
const MAX_CONNECTIONS = 16;

/** What {@link startAgent} needs. */
export interface AgentServerOptions {
  readonly ssh2: Ssh2Api;
  /** The BuildKit ssh id this agent serves (for log lines). */
  readonly sshId: string;
  readonly socketPath: string;
  readonly keys: readonly AgentKey[];
  readonly logger: Logger;
}

/** A listening in-process agent. */
export interface AgentServer {
  readonly socketPath: string;
  /** Stop listening, drop connections, remove the socket; idempotent. */
  close(): Promise<void>;
}

/** Serve `keys` over the OpenSSH agent protocol on a unix socket: list and sign only. */
export async function startAgent(options: AgentServerOptions): Promise<AgentServer> {
  const { ssh2, sshId, keys, logger } = options;
  const sockets = new Set<Socket>();
  const label = (key: AgentKey): string => `${key.fingerprint}${key.comment ? ` ${key.comment}` : ''} (secret ${key.secretId})`;

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const protocol = new ssh2.AgentProtocol(false);
    const guard = new AgentFrameFilter((type) => logger.debug(`ssh-agent ${sshId}: refused request type ${type} (this agent only lists and signs)`));
    const drop = (): void => void socket.destroy();
    for (const stream of [guard, protocol]) stream.on('error', drop);
    socket.on('error', drop);
    socket.pipe(guard).pipe(protocol).pipe(socket);

    protocol.on('identities', (req) => {
      logger.debug(`ssh-agent ${sshId}: listed ${keys.length} key${keys.length === 1 ? '' : 's'}`);
      protocol.getIdentitiesReply(req, keys.map((k) => k.parsed));
    });
    protocol.on('sign', (req, pubKey, data, flags) => {
      const wanted = pubKey.getPublicSSH();
      const key = keys.find((k) => k.publicBlob.equals(wanted));
      const signature = key ? signForAgent(key, data, flags.hash) : undefined;
      if (!key || !signature) {
        logger.debug(`ssh-agent ${sshId}: refused a signature request (${key ? 'signing failed' : 'unknown key'})`);
        protocol.failureReply(req);
        return;
      }
      // Info, not debug: each use of a deploy key is worth a line in the build log.
      logger.info(`ssh-agent ${sshId}: signed with ${label(key)}`);
      protocol.signReply(req, signature);
    });
  });
  server.maxConnections = MAX_CONNECTIONS;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((err: unknown) => {
    throw new StrategyRefusedError(`ssh-agent: cannot listen on a socket for ssh id ${sshId}`, {
      cause: err,
      hint: 'the temp directory path may be too long for a unix socket (about 100 bytes); point BUILDSECRETS_TMPDIR at a short path',
    });
  });
  await chmod(options.socketPath, 0o600);

  let closing: Promise<void> | undefined;
  return {
    socketPath: options.socketPath,
    close: () =>
      (closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await closed;
        await rm(options.socketPath, { force: true });
      })()),
  };
}
