import { compileMatcher } from '../redaction/matcher.js';
import { StreamMasker, type MaskSpec } from '../redaction/masker.js';
import type { SecretPattern } from '../redaction/patterns.js';
import { compileSetMatcher, type SetMatcher } from '../redaction/skip-matcher.js';

const EMPTY = Buffer.alloc(0);

/**
 * Searches byte streams for every audit pattern in one pass, also across chunk boundaries: the
 * last (longest − 1) bytes of a chunk are searched again together with the start of the next.
 */
export class ContentScanner {
  readonly patterns: readonly SecretPattern[];
  readonly #matcher: SetMatcher;
  #mask: MaskSpec | undefined;

  constructor(patterns: readonly SecretPattern[]) {
    this.patterns = patterns;
    this.#matcher = compileSetMatcher(patterns.map((p) => p.bytes));
  }

  /** Scan a whole stream; returns the indexes of the patterns found and the bytes read. */
  async scanStream(body: AsyncIterable<Buffer>): Promise<{ found: Set<number>; bytes: number }> {
    const found = new Set<number>();
    const onMatch = (index: number): void => {
      found.add(index);
    };
    const overlap = Math.max(0, this.#matcher.longest - 1);
    let carry: Buffer = EMPTY;
    let bytes = 0;
    for await (const chunk of body) {
      bytes += chunk.length;
      if (this.patterns.length === 0) continue;
      if (carry.length > 0) this.#matcher.find(Buffer.concat([carry, chunk.subarray(0, overlap)]), onMatch);
      this.#matcher.find(chunk, onMatch);
      carry = chunk.length >= overlap ? chunk.subarray(chunk.length - overlap) : Buffer.concat([carry, chunk]).subarray(-overlap);
    }
    return { found, bytes };
  }

  /** Scan one buffer; returns the indexes of the patterns found. */
  scanBytes(bytes: Uint8Array): Set<number> {
    const found = new Set<number>();
    this.#matcher.find(bytes, (index) => found.add(index));
    return found;
  }

  /** `text` with every pattern masked: paths and JSON keys are printed, and may hold a value. */
  maskText(text: string): string {
    if (this.patterns.length === 0) return text;
    // Almost no path holds a value: the skip matcher says so cheaply, the masking automaton is built only when needed.
    if (this.scanBytes(Buffer.from(text, 'utf8')).size === 0) return text;
    this.#mask ??= { matcher: compileMatcher(this.patterns.map((p) => p.bytes)), replacements: this.patterns.map(() => Buffer.from('***')) };
    const spec = this.#mask;
    const masker = new StreamMasker(() => spec);
    return Buffer.concat([...masker.push(Buffer.from(text, 'utf8')), ...masker.end()]).toString('utf8');
  }
}
