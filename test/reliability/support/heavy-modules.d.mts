/** Heavy or optional dependencies, by the name printed in reports. */
export declare const HEAVY_MODULES: Readonly<Record<string, RegExp>>;
/** The names of HEAVY_MODULES that appear in a module log. */
export declare function heavyModulesIn(lines: readonly string[]): string[];
/** One recorded run: exit status, output and every module it loaded. */
export interface RecordedRun {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly modules: readonly string[];
}
/** Run `node <script> <args>` under the module recorder. */
export declare function runRecorded(script: string, args: readonly string[], options?: { cwd?: string; env?: Record<string, string>; timeoutMs?: number }): RecordedRun;
