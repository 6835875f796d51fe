import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));

/** Run a TypeScript script in a fresh Node process with workspace packages mapped to their sources. */
export async function runChild(script: string, args: readonly string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'bs-child-'));
  const logFile = join(dir, 'loads.log');
  await writeFile(logFile, '');
  try {
    return await new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', '--import', fileURLToPath(new URL('./register-hooks.mjs', import.meta.url)), fileURLToPath(new URL(script, import.meta.url)), ...args],
        { cwd: ROOT, env: { ...process.env, ...env, BS_ROOT: ROOT, BS_LOAD_LOG: logFile, NODE_OPTIONS: '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '' }, timeout: 60_000 },
        (err, stdout, stderr) => (err ? reject(new Error(`child failed: ${stderr.slice(0, 2000)}`)) : resolve({ stdout, stderr })),
      );
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
