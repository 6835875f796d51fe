/**
 * One fast-check seed per test process, printed so a failure on CI reproduces locally:
 * `FC_SEED=<seed> npx vitest run <file>`.
 */
export const FC_SEED = process.env['FC_SEED'] !== undefined ? Number(process.env['FC_SEED']) : Math.floor(Math.random() * 0x7fffffff);

let logged = false;

/** fast-check parameters with the process seed (logged once) and `numRuns`. */
export function fcParams(numRuns: number): { seed: number; numRuns: number } {
  if (!logged) {
    logged = true;
    console.info(`fast-check seed ${FC_SEED} (reproduce with FC_SEED=${FC_SEED})`);
  }
  return { seed: FC_SEED, numRuns };
}
