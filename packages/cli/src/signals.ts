import { sweepSync } from '@buildsecrets/core';
import { EXIT } from './exit-codes.js';

/** The CLI's SIGINT/SIGTERM handling for one run. */
export interface SignalHandlers {
  /** Aborted on the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** Whether a signal arrived. */
  received(): boolean;
  /** 130 after SIGINT, 143 after SIGTERM. */
  exitCode(): number;
  /** Remove the handlers. */
  uninstall(): void;
}

/**
 * First signal: abort the run, so every `finally` tears down (files, sockets, servers, the child
 * build) and the CLI exits 130/143. A second signal exits at once; files registered for removal
 * are still removed by the synchronous exit hook of the strategies.
 */
export function installSignalHandlers(): SignalHandlers {
  const controller = new AbortController();
  let which: NodeJS.Signals | undefined;
  const onSignal = (name: NodeJS.Signals): void => {
    if (which) {
      // Forced: no time for async teardown, so remove recorded temp dirs and kill the engine group now.
      sweepSync();
      process.exit(name === 'SIGINT' ? EXIT.sigint : EXIT.sigterm);
    }
    which = name;
    process.stderr.write(`[buildsecrets] ${name} received: stopping and cleaning up (send it again to force)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', sweepSync);
  return {
    signal: controller.signal,
    received: () => which !== undefined,
    exitCode: () => (which === 'SIGTERM' ? EXIT.sigterm : EXIT.sigint),
    uninstall() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('exit', sweepSync);
    },
  };
}
