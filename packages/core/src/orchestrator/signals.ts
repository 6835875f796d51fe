import { AbortedError } from '../errors/index.js';
import { startJanitor } from '../janitor/janitor.js';
import { unauditedReportDir } from '../janitor/stale-sweep.js';
import { attachJanitor, sweepSync } from './exit-cleanup.js';

/** A signal a run reacts to. */
export type RunSignal = 'SIGINT' | 'SIGTERM';

/** The exit code a shell expects after each signal (128 + its number). */
const EXIT_CODES: Readonly<Record<RunSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

/** Options for {@link handleSignals}. */
export interface HandleSignalsOptions {
  /** Told about the first and second signal (default: a line on stderr). */
  readonly notify?: (message: string) => void;
  /** How the forced exit happens on a second signal (default `process.exit`); tests replace it. */
  readonly exit?: (code: number) => void;
  /** If teardown after the first signal takes longer than this, exit anyway (ms, default 30000). */
  readonly forceAfterMs?: number;
  /**
   * Start a watchdog process (on the first secret file or engine) that cleans up if this process
   * is killed outright — SIGKILL, the OOM killer — where no handler runs. Default true.
   */
  readonly janitor?: boolean;
}

/** The handlers installed for one run. */
export interface SignalScope {
  /** Aborted on the first SIGINT/SIGTERM; pass it as `BuildOptions.signal`. */
  readonly signal: AbortSignal;
  /** The signal received, if any. */
  readonly received: RunSignal | undefined;
  /** 130 after SIGINT, 143 after SIGTERM, undefined when no signal came. */
  readonly exitCode: number | undefined;
  /** Remove the handlers (call it after teardown, in a `finally`). */
  dispose(): void;
}

/**
 * Install SIGINT/SIGTERM handlers for one CLI run. The first signal aborts the run, whose
 * `finally` blocks then tear everything down; the caller exits with {@link SignalScope.exitCode}.
 * A second signal (or teardown outliving `forceAfterMs`) exits at once, after a synchronous sweep
 * of every recorded temp path and engine process group; the same sweep runs on any early exit.
 * Library code never calls this: it takes `BuildOptions.signal` and installs no global handlers.
 *
 * @example
 * ```ts
 * const scope = handleSignals();
 * try { await bs.build({ signal: scope.signal }); } finally { scope.dispose(); }
 * if (scope.exitCode !== undefined) process.exitCode = scope.exitCode;
 * ```
 */
export function handleSignals(options: HandleSignalsOptions = {}): SignalScope {
  const controller = new AbortController();
  const notify = options.notify ?? ((message: string) => process.stderr.write(`[buildsecrets] ${message}\n`));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let received: RunSignal | undefined;
  let watchdog: NodeJS.Timeout | undefined;

  const force = (code: number): void => {
    sweepSync();
    exit(code);
  };
  const onSignal = (name: RunSignal): void => {
    if (received !== undefined) {
      notify(`${name} again: exiting now (temp files removed, engine killed)`);
      force(EXIT_CODES[received]);
      return;
    }
    received = name;
    notify(`${name} received: stopping the build and removing secrets (press Ctrl-C again to force)`);
    controller.abort(new AbortedError(`the run was cancelled by ${name}`));
    watchdog = setTimeout(() => {
      notify('teardown is taking too long: exiting now');
      force(EXIT_CODES[name]);
    }, options.forceAfterMs ?? 30_000);
    watchdog.unref();
  };
  const onInt = (): void => onSignal('SIGINT');
  const onTerm = (): void => onSignal('SIGTERM');
  const onExit = (): void => sweepSync();
  const detachJanitor =
    options.janitor === false
      ? undefined
      : attachJanitor(() => {
          const janitor = startJanitor();
          janitor.send({ op: 'reports', value: unauditedReportDir() });
          return janitor;
        });
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  process.on('exit', onExit);

  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    get exitCode() {
      return received === undefined ? undefined : EXIT_CODES[received];
    },
    dispose() {
      if (watchdog) clearTimeout(watchdog);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('exit', onExit);
      detachJanitor?.();
    },
  };
}
