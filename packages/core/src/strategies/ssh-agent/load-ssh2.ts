import type { AgentProtocol, ParsedKey } from 'ssh2';

/** The two pieces of ssh2 the agent uses. */
export interface Ssh2Api {
  readonly AgentProtocol: typeof AgentProtocol;
  parseKey(data: Buffer, passphrase?: Buffer): ParsedKey | ParsedKey[] | Error;
}

/**
 * Load ssh2 on first use, so a run without ssh-agent secrets never loads it. ssh2 is CommonJS
 * and its `utils` is not visible as a named ESM export, hence the `default` object.
 */
export async function loadSsh2(): Promise<Ssh2Api> {
  const mod = await import('ssh2');
  const api = mod.default;
  return { AgentProtocol: api.AgentProtocol, parseKey: (data, passphrase) => api.utils.parseKey(data, passphrase) };
}
