/** The outcome of a call through {@link BatchGate}: the batch answer, or "use GetSecretValue". */
export type GatedResult<T> = { readonly denied: true } | { readonly denied: false; readonly value: T };

/**
 * Remembers, for one run, whether the caller may use BatchGetSecretValue. Many IAM policies grant
 * only GetSecretValue; after the first denied batch call we stop trying, and while the first call
 * is in flight concurrent callers wait for its verdict instead of sending more calls that would
 * be denied too.
 */
export class BatchGate {
  #state: 'unknown' | 'allowed' | 'denied' = 'unknown';
  #probe: Promise<void> | undefined;

  /** True once a batch call was denied in this run. */
  get denied(): boolean {
    return this.#state === 'denied';
  }

  /**
   * Make a batch call unless batching is known to be denied. A rejection for which `isDenial` is
   * true marks the gate denied and resolves `{ denied: true }`; other rejections are re-thrown.
   */
  async call<T>(fn: () => Promise<T>, isDenial: (err: unknown) => boolean): Promise<GatedResult<T>> {
    while (this.#state === 'unknown' && this.#probe) await this.#probe;
    if (this.#state === 'denied') return { denied: true };
    const probing = this.#state === 'unknown';
    let release: (() => void) | undefined;
    // No await between the check above and this line, so exactly one caller becomes the probe.
    if (probing) this.#probe = new Promise<void>((resolve) => (release = resolve));
    try {
      const value = await fn();
      this.#state = 'allowed';
      return { denied: false, value };
    } catch (err) {
      if (!isDenial(err)) throw err;
      this.#state = 'denied';
      return { denied: true };
    } finally {
      if (probing) {
        this.#probe = undefined;
        release?.();
      }
    }
  }
}
