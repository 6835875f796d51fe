import { CONTAINERS_PROGRAM_PART } from './janitor-containers-program.js';

/**
 * The watchdog's whole program, run as `node -e` with an empty environment (so it is found even
 * when core is bundled into the CLI, and inherits no credential). It reads JSON lines on stdin —
 * paths, process groups and engine-result files to look after — and holds nothing else: no value,
 * no token. It ignores SIGINT/SIGTERM/SIGHUP (the parent handles those and tears down itself);
 * it acts only when its stdin reaches EOF without a `done` line, which happens exactly when the
 * parent is gone, however it died (no pid is polled, so a reused pid cannot fool it). Then it
 * stops each engine process group (SIGTERM, SIGKILL if still there 2 s later), overwrites and removes every
 * path, and reports an engine result that arrived before the parent could audit it; last, it finishes
 * the clean-up of podman/buildah builds (see `janitor-containers-program.ts`, appended here).
 */
export const JANITOR_PROGRAM = String.raw`
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const paths = new Set(), groups = new Set(), results = new Set(), images = new Set();
let reportDir = '', done = false, buffered = '';
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
function shred(p) {
  let st;
  try { st = fs.lstatSync(p); } catch { return; }
  if (st.isDirectory()) {
    let names = [];
    try { names = fs.readdirSync(p); } catch {}
    for (const n of names) shred(path.join(p, n));
  } else if (st.isFile() && st.size > 0) {
    try { const fd = fs.openSync(p, 'r+'); fs.writeSync(fd, Buffer.alloc(st.size), 0, st.size, 0); fs.fsyncSync(fd); fs.closeSync(fd); } catch {}
  }
  try { fs.rmSync(p, { recursive: true, force: true }); } catch {}
}
function signalGroups(sig) { for (const g of groups) { try { process.kill(-g, sig); } catch {} } }
function reportResults() {
  for (const file of results) {
    try { images.add(fs.readFileSync(file, 'utf8').trim()); } catch {}
  }
  for (const id of images) {
    if (!/^sha256:[0-9a-f]{64}$/.test(id)) continue;
    try { process.stderr.write('[buildsecrets] the run was killed after the engine built ' + id + ' and before its audit: run "buildsecrets audit ' + id + '" before using it\n'); } catch {}
    if (!reportDir) continue;
    try {
      fs.mkdirSync(reportDir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(path.join(reportDir, id.slice(7) + '.json'), JSON.stringify({ image: id, killedAt: new Date().toISOString() }), { mode: 0o600 });
    } catch {}
  }
}
function parentGone() {
  if (done) process.exit(0);
  signalGroups('SIGTERM');
  reportResults();
  for (const p of paths) shred(p);
  // Wait for the engine groups to go (checking every 100 ms), SIGKILL what is left after 2 s. No
  // group left: exit at once, so the parent's stderr, which this process shares, closes promptly.
  const started = Date.now();
  const finish = () => {
    const alive = [...groups].filter((g) => { try { process.kill(-g, 0); return true; } catch { return false; } });
    if (alive.length > 0 && Date.now() - started < 2000) return setTimeout(finish, 100);
    signalGroups('SIGKILL');
    for (const p of paths) shred(p);
    cleanContainerBuilds(() => process.exit(0));
  };
  finish();
}
function handle(m) {
  const v = m.value;
  switch (m.op) {
    case 'path': paths.add(v); break;
    case 'unpath': paths.delete(v); break;
    case 'group': groups.add(v); break;
    case 'ungroup': groups.delete(v); break;
    case 'result': results.add(v); break;
    case 'unresult': results.delete(v); break;
    case 'image': images.add(v); break;
    case 'unimage': images.delete(v); break;
    case 'reports': reportDir = v; break;
    case 'containers': if (validWatch(v)) containerBuilds.set(v.runId, v); break;
    case 'uncontainers': containerBuilds.delete(v); break;
    case 'done': done = true; break;
  }
}
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  for (let at = buffered.indexOf('\n'); at >= 0; at = buffered.indexOf('\n')) {
    const line = buffered.slice(0, at);
    buffered = buffered.slice(at + 1);
    try { handle(JSON.parse(line)); } catch {}
  }
});
process.stdin.on('end', parentGone);
process.stdin.on('error', parentGone);
` + CONTAINERS_PROGRAM_PART;
