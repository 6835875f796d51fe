import type { AgentProtocol, ParsedKey } from 'ssh2';
import { StrategyRefusedError } from '../../errors/index.js';

/** The two pieces of ssh2 the agent uses. */
export interface Ssh2Api {
  readonly AgentProtocol: typeof AgentProtocol;
  parseKey(data: Buffer, passphrase?: Buffer): ParsedKey | ParsedKey[] | Error;
}

const importSsh2Package = () => import('ssh2');
type Ssh2Module = Awaited<ReturnType<typeof importSsh2Package>>;

/**
 * Load ssh2 on first use, so a run without ssh-agent secrets never loads it. ssh2 is CommonJS
 * and its `utils` is not visible as a named ESM export, hence the `default` object.
 */
export async function loadSsh2(importSsh2: () => Promise<Ssh2Module> = importSsh2Package): Promise<Ssh2Api> {
  let mod: Ssh2Module;
  try {
    mod = await importSsh2();
  } catch (error) {
    // ssh2 is an optional peer dependency: only ssh-agent users install it (with its optional
    // native part comes a node-gyp build, which nobody else should pay for).
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    throw new StrategyRefusedError('the ssh-agent strategy needs the ssh2 package, which is not installed', {
      hint: 'npm install --save-dev ssh2 (its optional native speed-up is not needed: `npm install-scripts deny ssh2 cpu-features` keeps the install from compiling)',
    });
  }
  const api = mod.default;
  return { AgentProtocol: api.AgentProtocol, parseKey: (data, passphrase) => api.utils.parseKey(data, passphrase) };
}
