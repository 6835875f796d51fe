import type { EngineAdapter } from '../engine/engine-adapter.js';
import type { EngineChoice } from '../engine/select-engine.js';
import { engineLine } from './build-progress.js';
import type { BuildSession, EngineReport } from './build-types.js';
import { engineReport, logEngineChoice, type EngineIntent } from './engine-step.js';
import type { ProbedAndResolved } from './probe-and-resolve.js';

/** How the build waits for the engine's probe (see {@link reportEngine}). */
export interface EngineReporting {
  /** The adapter to start the build with. */
  readonly adapter: EngineAdapter;
  /** The engine's report for the result, once the probe has answered (never rejects). */
  report(built: EngineAdapter): Promise<EngineReport>;
  /** The signal the engine runs under: the build's, plus the probe's (which stops a build it does not confirm). */
  engineSignal(signal: AbortSignal): AbortSignal;
  /**
   * After a failed or stopped engine run: the adapter to run again with when the probe chose
   * another engine than the one started; else throws the probe's error when the probe failed too
   * (it says what to do), else `error`.
   */
  retry(error: unknown, ran: EngineAdapter): Promise<EngineAdapter>;
}

function message(error: unknown): string {
  return (error instanceof Error ? error.message.replace(/^\[buildsecrets\] /, '') : String(error)).split('\n')[0] ?? '';
}

/**
 * Log the engine choice (`engine: <name> (<version>)`, and the detection order at debug level) and
 * keep its report. When the adapter was known before the probe answered (asked for by name, or
 * auto-detected for this setup last time), the build runs while the probe answers: a probe that
 * fails stops the engine and its error is the one reported (a missing or broken engine still fails
 * with what to do); a probe that chooses another engine stops the build, which runs again with that
 * engine; a probe that fails after the engine finished changes nothing — the image is there and is
 * audited — and the report says the engine was not probed, and why.
 */
export function reportEngine(session: BuildSession, intent: EngineIntent, probe: ProbedAndResolved): EngineReporting {
  const log = (choice: EngineChoice): EngineReport => {
    const report = engineReport(choice, intent);
    session.logger.info(engineLine(report.name, report.version ?? 'version unknown'));
    logEngineChoice(session, report);
    return report;
  };
  if (probe.choice) {
    const report = log(probe.choice);
    return { adapter: probe.choice.adapter, report: async () => report, engineSignal: (signal) => signal, retry: (error) => Promise.reject(error) };
  }
  const adapter = probe.speculative ?? intent.assumed;
  const pending = probe.pending ?? Promise.reject(new Error('no engine probe'));
  const stop = new AbortController();
  const answered = pending.then(
    (choice) => {
      if (choice.adapter.name !== adapter.name) stop.abort(new Error(`the probe chose ${choice.adapter.name}`));
      return { choice, report: log(choice) };
    },
    (error: unknown) => {
      stop.abort(error);
      throw error;
    },
  );
  answered.catch(() => undefined);
  return {
    adapter,
    async report(built) {
      const [probed] = await Promise.allSettled([answered]);
      if (probed.status === 'rejected') {
        session.logger.debug(`engine: the probe of ${built.name} failed after the build had finished (${message(probed.reason)})`);
        return { ...engineReport(undefined, intent, message(probed.reason)), name: built.name };
      }
      const { report } = probed.value;
      if (built.name === report.name) return report;
      // The build finished before the probe, which now prefers another engine, could stop it.
      return { ...report, name: built.name, tried: [...report.tried, `${built.name}: built — chosen by the last run for this setup, finished before the probe answered`] };
    },
    engineSignal: (signal) => AbortSignal.any([signal, stop.signal]),
    async retry(error, ran) {
      const [probed] = await Promise.allSettled([answered]);
      if (probed.status === 'rejected') throw probed.reason;
      const chosen = probed.value.choice.adapter;
      if (chosen.name !== ran.name) {
        session.logger.debug(`engine: ${ran.name} (last run's choice) was stopped; the probe chose ${chosen.name}, building again with it`);
        return chosen;
      }
      throw error;
    },
  };
}
