import { execFile, execFileSync, execSync, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allowCanaryOutput, takeCanaryHits } from '../setup/canary.js';
import { hookConsole, hookWrite, isCanaryWrapped, scrubErrors, type CanaryRecorder } from '../setup/canary-hook.js';
import { CANARIES, encodedForms, expectNoCanaryIn, findCanaries, makeCanary, maskCanaries } from '../setup/canary-values.js';

describe('the log canary', () => {
  it('is installed on this process’s stdout, stderr and console by the setup file', () => {
    expect(isCanaryWrapped(process.stdout.write)).toBe(true);
    expect(isCanaryWrapped(process.stderr.write)).toBe(true);
    expect(isCanaryWrapped(console.error)).toBe(true);
    expect(isCanaryWrapped(console.log)).toBe(true);
  });

  it('records a canary written to the real stderr, masked on its way out (the hit is consumed here so the test passes)', () => {
    expect(takeCanaryHits()).toEqual([]);
    process.stderr.write(`planted by the self-test: ${CANARIES.other}\n`);
    console.warn('planted via console:', Buffer.from(CANARIES.env).toString());
    expect(takeCanaryHits()).toEqual([
      { where: 'stderr', canaries: ['other'] },
      { where: 'console.warn', canaries: ['env'] },
    ]);
  });

  it('detects a canary in a string or Buffer chunk of a child-scoped stream and passes it on masked', () => {
    const recorder: CanaryRecorder = { hits: [] };
    const written: unknown[] = [];
    const stream = { write: (...args: unknown[]) => written.push(args[0]) };
    hookWrite(stream, 'fake', recorder);
    hookWrite(stream, 'fake', recorder); // idempotent: never double-wrapped
    stream.write('clean line\n');
    stream.write(Buffer.from(`token=${CANARIES.provider}\n`));
    expect(recorder.hits).toEqual([{ where: 'fake', canaries: ['provider'] }]);
    expect(written[0]).toBe('clean line\n');
    expect(String(written[1])).toBe('token=[canary:provider]\n');
  });

  it('detects a canary formatted into a console call of a child-scoped console', () => {
    const recorder: CanaryRecorder = { hits: [] };
    const lines: string[] = [];
    const fake = { log: (...a: unknown[]) => lines.push(a.join(' ')), info: () => 0, warn: () => 0, error: () => 0, debug: () => 0, trace: () => 0 } as unknown as Console;
    hookConsole(fake, recorder);
    fake.log('value: %s', CANARIES.config);
    expect(recorder.hits).toEqual([{ where: 'console.log', canaries: ['config'] }]);
    expect(lines).toEqual(['value: [canary:config]']);
  });

  it('finds and masks canaries in serialised errors, including nested causes', () => {
    const errors = [{ message: 'boom', cause: { message: `wrapped ${CANARIES.env}` }, stack: `Error: ${CANARIES.config}\n at x` }];
    expect(scrubErrors(errors).sort()).toEqual(['config', 'env']);
    expect(JSON.stringify(errors)).not.toContain('bs-canary-');
    expect(scrubErrors([{ message: 'nothing here' }])).toEqual([]);
  });

  it('expectNoCanaryIn checks output this process cannot hook, such as a child’s stderr', () => {
    allowCanaryOutput(/^child .* stderr \(spawnSync\)$/, 'self-test: the child prints a canary so expectNoCanaryIn has one to find');
    const child = spawnSync(process.execPath, ['-e', `process.stderr.write(${JSON.stringify(CANARIES.other)})`], { encoding: 'utf8', timeout: 10_000 });
    expect(() => expectNoCanaryIn(child.stderr, 'the child’s stderr')).toThrow(/other found in the child’s stderr/);
    expect(() => expectNoCanaryIn(child.stderr)).not.toThrow(CANARIES.other);
    expect(() => expectNoCanaryIn('clean')).not.toThrow();
  });

  it('fails a leaking test in a real vitest run, passes a clean one, and never prints the value', () => {
    const config = fileURLToPath(new URL('./fixtures/log-canary/vitest.config.ts', import.meta.url));
    const vitest = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));
    const run = spawnSync(process.execPath, [vitest, 'run', '--config', config, '--reporter=verbose'], { encoding: 'utf8', timeout: 90_000, env: { ...process.env, NO_COLOR: '1', CI: '1' } });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output).toBe(1);
    expect(output).toMatch(/✓ .*stays clean/);
    expect(output).toMatch(/× .*writes a canary to stderr/);
    expect(output).toMatch(/× .*throws an error carrying a canary/);
    expect(output).toContain('log canary: a planted secret value appeared written to stderr (provider)');
    expect(output).toContain('in a thrown error (config)');
    expectNoCanaryIn(output, 'the vitest report');
  }, 100_000);

  it('catches a canary a child process writes (spawn and execFile), without taking the output from the test', async () => {
    const value = makeCanary('child-output');
    const viaSpawn = spawn(process.execPath, ['-e', `process.stdout.write('x' + ${JSON.stringify(value)})`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    viaSpawn.stdout.on('data', (c: Buffer) => (seen += c.toString()));
    await new Promise((r) => viaSpawn.once('close', r));
    expect(seen).toBe(`x${value}`); // the test still gets every byte
    const b64 = Buffer.from(`pad${CANARIES.env}pad`).toString('base64');
    await new Promise((r) => execFile(process.execPath, ['-e', `process.stderr.write(${JSON.stringify(b64)})`], r));
    const hits = takeCanaryHits();
    expect(hits.map((h) => h.where)).toEqual([`child ${process.execPath} stdout`, `child ${process.execPath} stderr`]);
    expect(hits.map((h) => h.canaries)).toEqual([['generated'], ['env']]);
  });

  it('finds encoded forms: base64 at any alignment, base64url and hex, of fixed and generated canaries', () => {
    const generated = makeCanary('encoded');
    for (const value of [CANARIES.provider, generated]) {
      for (const prefix of ['', 'a', 'ab', 'abc']) {
        expect(findCanaries(Buffer.from(`${prefix}${value}!`).toString('base64')).length, `base64 after ${prefix.length} bytes`).toBe(1);
        expect(findCanaries(Buffer.from(`${prefix}${value}?>`).toString('base64url')).length).toBe(1);
      }
      expect(findCanaries(Buffer.from(value).toString('hex').toUpperCase()).length).toBe(1);
      expect(maskCanaries(`x${Buffer.from(value).toString('hex')}y`)).toMatch(/^x\[canary:(provider|generated)\]y$/);
    }
    expect(encodedForms(CANARIES.config)[0]).toBe(CANARIES.config);
    expect(findCanaries('bs-canary-gen-made-elsewhere-00ff')).toEqual(['generated']);
    expect(findCanaries('nothing here')).toEqual([]);
  });

  it('names canaries without repeating their values', () => {
    expect(findCanaries(`${CANARIES.config} and ${CANARIES.provider}`)).toEqual(['config', 'provider']);
    expect(maskCanaries(`a${CANARIES.config}b${CANARIES.config}`)).toBe('a[canary:config]b[canary:config]');
  });
});

describe('the log canary and the synchronous child-process APIs', () => {
  it('catches a canary in the output of spawnSync, execFileSync and a failing execSync, and hands the output back unchanged', () => {
    const value = makeCanary('sync-child');
    const script = `process.stdout.write(${JSON.stringify(value)})`;
    expect(spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' }).stdout).toBe(value);
    // Default stdio: Node copies the child's stderr to ours, where the write hook sees it (hex here).
    expect(execFileSync(process.execPath, ['-e', `process.stderr.write(${JSON.stringify(Buffer.from(value).toString('hex'))})`]).length).toBe(0);
    expect(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })).toBe(value);
    expect(() => execSync(`"${process.execPath}" -e '${script}; process.exit(3)'`, { stdio: ['ignore', 'pipe', 'pipe'] })).toThrow();
    const hits = takeCanaryHits();
    expect(hits.map((h) => h.where.replace(process.execPath, 'node'))).toEqual([
      'child node stdout (spawnSync)',
      'stderr',
      'child node stdout (execFileSync)',
      'child "node" stdout (execSync)',
    ]);
    expect(hits.every((h) => h.canaries.includes('generated'))).toBe(true);
  });
});

describe('allowCanaryOutput: the named, per-test opt-out', () => {
  it('lets THIS test write a canary to the output it names, for a stated reason', () => {
    allowCanaryOutput(/^child .* stdout/, 'self-test: a child that prints the value on purpose');
    const value = makeCanary('allowed');
    expect(spawnSync(process.execPath, ['-e', `process.stdout.write(${JSON.stringify(value)})`], { encoding: 'utf8' }).stdout).toBe(value);
  });

  it('is gone in the next test: the same write is a hit again', () => {
    spawnSync(process.execPath, ['-e', `process.stdout.write(${JSON.stringify(CANARIES.other)})`], { encoding: 'utf8' });
    expect(takeCanaryHits().map((h) => h.canaries)).toEqual([['other']]);
  });

  it('needs a reason', () => {
    expect(() => allowCanaryOutput(/stdout/, 'because')).toThrow(/reason/);
  });
});
