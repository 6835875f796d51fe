import type { EngineChoice } from '../engine/select-engine.js';
import { engineLine } from './build-progress.js';
import type { BuildSession, EngineReport } from './build-types.js';
import { engineReport, logEngineChoice, type EngineIntent } from './engine-step.js';
import type { ProbedAndResolved } from './probe-and-resolve.js';

/** How the build waits for the engine's probe (see {@link reportEngine}). */
export interface EngineReporting {
  /** The engine's report for the result, once the probe has answered (never rejects). */
  readonly report: Promise<EngineReport>;
  /** The signal the engine runs under: the build's, plus a failed probe's (which stops the engine). */
  engineSignal(signal: AbortSignal): AbortSignal;
  /** After a failed engine run: the probe's error when the probe failed too (it says what to do), else `error`. */
  preferProbeError(error: unknown): Promise<never>;
}

function message(error: unknown): string {
  return (error instanceof Error ? error.message.replace(/^\[buildsecrets\] /, '') : String(error)).split('\n')[0] ?? '';
}

/**
 * Log the engine choice (`engine: <name> (<version>)`, and the detection order at debug level) and
 * keep its report. An engine asked for by name builds while its probe answers: a probe that fails
 * first stops the engine and its error is the one reported (a missing or broken engine still fails
 * with what to do); a probe that fails after the engine finished a build changes nothing — the
 * image is there and is audited — and the report says the engine was not probed, and why.
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
    return { report: Promise.resolve(report), engineSignal: (signal) => signal, preferProbeError: (error) => Promise.reject(error) };
  }
  const pending = probe.pending ?? Promise.reject(new Error('no engine probe'));
  const probeFailed = new AbortController();
  const answered = pending.then(log, (error: unknown) => {
    probeFailed.abort(error);
    throw error;
  });
  answered.catch(() => undefined);
  return {
    report: answered.catch((error: unknown) => {
      session.logger.debug(`engine: the probe of ${intent.assumed.name} failed after the build had finished (${message(error)})`);
      return engineReport(undefined, intent, message(error));
    }),
    engineSignal: (signal) => AbortSignal.any([signal, probeFailed.signal]),
    async preferProbeError(error) {
      const [probed] = await Promise.allSettled([answered]);
      throw probed.status === 'rejected' ? probed.reason : error;
    },
  };
}
