import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../../support/temp-dirs.js';

/**
 * The poller, run as an unprivileged user (`nobody`): it reads every `/proc/<pid>/cmdline` and
 * `/proc/<pid>/environ` it is allowed to, as fast as it can, and reports which needles it saw and
 * which command lines matched `watchFor` (proof that it did see the processes of interest). The
 * needles come on stdin, so they are not in the poller's own argv.
 */
const POLLER = `
const fs = require('node:fs');
let input = '';
process.stdin.on('data', (c) => (input += c));
process.stdin.once('end', finish);
let needles = [], watch = null, hits = new Set(), seen = new Set(), passes = 0, started = false;
function pass() {
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\\d+$/.test(pid) || pid === String(process.pid)) continue;
    for (const file of ['cmdline', 'environ']) {
      let text;
      try { text = fs.readFileSync('/proc/' + pid + '/' + file, 'latin1'); } catch { continue; }
      for (const n of needles) if (text.includes(n)) hits.add(file + ': ' + text.split('\\0').join(' ').slice(0, 200));
      if (file === 'cmdline' && watch && watch.test(text)) seen.add(text.split('\\0').join(' ').slice(0, 200));
    }
  }
  passes++;
}
function loop() { if (!done) { pass(); setImmediate(loop); } }
let done = false;
process.stdin.on('data', () => {
  const line = input.split('\\n')[0];
  if (started || !input.includes('\\n')) return;
  const config = JSON.parse(line);
  needles = config.needles; watch = new RegExp(config.watchFor); started = true;
  process.stdout.write('ready\\n');
  loop();
});
function finish() { done = true; pass(); process.stdout.write(JSON.stringify({ hits: [...hits], seen: [...seen], passes }) + '\\n'); }
`;

/** What the poller saw. */
export interface WatchReport {
  readonly hits: readonly string[];
  readonly seen: readonly string[];
  readonly passes: number;
  readonly uid: number;
}

/** A running watcher; `stop()` ends it and returns what it saw. */
export interface ProcWatcher {
  stop(): Promise<WatchReport>;
}

/** Start polling /proc as uid/gid 65534 (nobody) through setpriv. Resolves once the poller runs. */
export async function watchProc(needles: readonly string[], watchFor: RegExp): Promise<ProcWatcher> {
  const dir = await tempDir('bs-proc-watch-');
  await chmod(dir, 0o755);
  const script = join(dir, 'poller.cjs');
  await writeFile(script, POLLER, { mode: 0o644 });
  const child: ChildProcess = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, script], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stdin?.write(`${JSON.stringify({ needles, watchFor: watchFor.source })}\n`);
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (out.startsWith('ready\n')) {
        clearInterval(check);
        resolve();
      }
    }, 10);
    child.once('exit', (code) => {
      clearInterval(check);
      reject(new Error(`the /proc poller exited early (${code})`));
    });
  });
  return {
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => {
          const report = JSON.parse(out.split('\n')[1] ?? '{}') as Omit<WatchReport, 'uid'>;
          resolve({ ...report, uid: 65534 });
        });
        child.stdin?.end();
      }),
  };
}
