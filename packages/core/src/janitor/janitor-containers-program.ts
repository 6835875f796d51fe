/**
 * The part of the watchdog's program (see `janitor-program.ts`, which appends it) that finishes a
 * podman/buildah build's clean-up after the parent was killed outright — what
 * `removeBuildLeftovers` and `removeEnvSecretCopies` do in process when the parent lives.
 * Runs after the engine's process groups are gone. Per registered build (`containers` messages,
 * see `ContainersBuildWatch`): ask the engine for its graph root, find the working containers
 * whose `buildah.json` carries the run marker, SIGKILL every process that mounts anything of them
 * (podman 4.3 starts the RUN step in a session of its own), overwrite and remove their secret
 * copies (`userdata/secrets`), `rm` them with the storage variables only, remove their runtime
 * bundles and the dead ssh-agent proxy socket directories. Then, for every build, overwrite and
 * remove the /dev/shm copies of env-sourced values, recognised by size and salted SHA-256 (the
 * watchdog never holds a value). Plain CommonJS on node: built-ins, like the rest of the program.
 */
export const CONTAINERS_PROGRAM_PART = String.raw`
const childProcess = require('node:child_process');
const crypto = require('node:crypto');
const net = require('node:net');
const containerBuilds = new Map();
const MARKER = 'BUILDSECRETS_RUN_ID';
function validWatch(w) {
  return !!w && /^[0-9a-f]{16,64}$/.test(w.runId) && (w.kind === 'podman' || w.kind === 'buildah') &&
    path.isAbsolute(String(w.binary)) && path.isAbsolute(String(w.bundleDir)) &&
    !!w.env && typeof w.env === 'object' && Array.isArray(w.envCopies);
}
function listDir(dir) { try { return fs.readdirSync(dir); } catch { return []; } }
function readText(file) { try { return fs.readFileSync(file, 'utf8'); } catch { return ''; } }
function engine(w, args) {
  try { return childProcess.spawnSync(w.binary, args, { env: w.env, encoding: 'utf8', timeout: 30000, stdio: ['ignore', 'pipe', 'ignore'] }); } catch { return { status: 1, stdout: '' }; }
}
function graphRoot(w) {
  const r = engine(w, ['info', '--format', w.kind === 'podman' ? '{{.Store.GraphRoot}}' : '{{.store.GraphRoot}}']);
  const root = String(r.stdout || '').trim();
  return r.status === 0 && root.startsWith('/') ? root : '/var/lib/containers/storage';
}
function markedContainers(root, runId) {
  const dir = path.join(root, 'overlay-containers');
  return listDir(dir).filter((id) => {
    const text = readText(path.join(dir, id, 'userdata', 'buildah.json'));
    if (!text.includes(runId)) return false;
    try { const args = JSON.parse(text).Args; return !!args && args[MARKER] === runId; } catch { return false; }
  });
}
// Matched without the graph root: in another mount namespace, a path on a file system mounted below
// '/' shows relative to that file system. A container id (64 random hex digits) is unambiguous.
function killUsers(ids) {
  const needles = ids.map((id) => '/overlay-containers/' + id + '/');
  for (const name of listDir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const mounts = readText('/proc/' + name + '/mountinfo');
    if (needles.some((n) => mounts.includes(n))) { try { process.kill(Number(name), 'SIGKILL'); } catch {} }
  }
}
function removeBundles(w, ids) {
  const shortIds = new Set(ids.map((id) => id.slice(0, 12)));
  for (const name of listDir(w.bundleDir)) {
    if (!/^buildah\d+$/.test(name)) continue;
    const bundle = path.join(w.bundleDir, name);
    if (shortIds.has(readText(path.join(bundle, 'hostname')).trim())) shred(bundle);
  }
}
function cleanBuild(w) {
  const root = graphRoot(w);
  const ids = markedContainers(root, w.runId);
  if (ids.length === 0) return;
  killUsers(ids);
  for (const id of ids) shred(path.join(root, 'overlay-containers', id, 'userdata', 'secrets'));
  engine(w, w.kind === 'podman' ? ['rm', '--force', ...ids] : ['rm', ...ids]);
  removeBundles(w, ids);
}
function removeEnvCopies(prints) {
  const sizes = new Set(prints.map((p) => p.size));
  for (const name of listDir('/dev/shm')) {
    if (!/^buildah\d+$/.test(name)) continue;
    const file = path.join('/dev/shm', name);
    try {
      const st = fs.lstatSync(file);
      if (!st.isFile() || !sizes.has(st.size)) continue;
      const content = fs.readFileSync(file);
      const ours = prints.some((p) => p.size === content.length &&
        crypto.createHash('sha256').update(Buffer.from(String(p.salt), 'hex')).update(content).digest('hex') === p.digest);
      if (!ours) continue;
      const fd = fs.openSync(file, 'r+'); fs.writeSync(fd, Buffer.alloc(content.length), 0, content.length, 0); fs.closeSync(fd);
      fs.unlinkSync(file);
    } catch {}
  }
}
// An ssh-agent proxy socket directory is dead once nothing answers on its socket (its engine is gone).
function removeDeadSshSocketDirs(base) {
  const checks = listDir(base).filter((n) => /^\.buildah-ssh-sock\d+$/.test(n)).map((n) => new Promise((resolve) => {
    const dir = path.join(base, n);
    const entries = listDir(dir);
    if (entries.some((e) => e !== 'ssh_auth_sock')) return resolve();
    const gone = () => { try { fs.rmSync(dir, { recursive: true, force: true }); } catch {} resolve(); };
    if (entries.length === 0) return gone();
    const socket = net.connect(path.join(dir, 'ssh_auth_sock'));
    socket.once('connect', () => { socket.destroy(); resolve(); });
    socket.once('error', (e) => (e.code === 'ECONNREFUSED' || e.code === 'ENOENT' ? gone() : resolve()));
  }));
  return Promise.all(checks);
}
function cleanContainerBuilds(then) {
  const builds = [...containerBuilds.values()];
  if (builds.length === 0) return then();
  for (const w of builds) { try { cleanBuild(w); } catch {} }
  removeEnvCopies(builds.flatMap((w) => w.envCopies));
  const bases = [...new Set(builds.map((w) => w.bundleDir))];
  const timer = setTimeout(then, 2000);
  Promise.all(bases.map(removeDeadSshSocketDirs)).then(() => { clearTimeout(timer); then(); }, then);
}
`;
