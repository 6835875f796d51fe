import { compileMatcher, type Matcher } from '../redaction/matcher.js';
import { StreamMasker, type MaskSpec } from '../redaction/masker.js';
import type { SecretPattern } from '../redaction/patterns.js';

/**
 * Searches byte streams for every audit pattern in one pass (one DFA step per byte), carrying
 * state across chunks so a value split between two chunks is still found.
 */
export class ContentScanner {
  readonly patterns: readonly SecretPattern[];
  readonly #matcher: Matcher;
  readonly #mask: MaskSpec;

  constructor(patterns: readonly SecretPattern[]) {
    this.patterns = patterns;
    this.#matcher = compileMatcher(patterns.map((p) => p.bytes));
    const mask = Buffer.from('***');
    this.#mask = { matcher: this.#matcher, replacements: patterns.map(() => mask) };
  }

  /** Scan a whole stream; returns the indexes of the patterns found and the bytes read. */
  async scanStream(body: AsyncIterable<Buffer>): Promise<{ found: Set<number>; bytes: number }> {
    const found = new Set<number>();
    const onMatch = (index: number): void => {
      found.add(index);
    };
    let state = this.#matcher.initial;
    let bytes = 0;
    if (this.patterns.length === 0) {
      for await (const chunk of body) bytes += chunk.length;
      return { found, bytes };
    }
    for await (const chunk of body) {
      state = this.#matcher.scan(chunk, 0, chunk.length, state, onMatch);
      bytes += chunk.length;
    }
    return { found, bytes };
  }

  /** Scan one buffer; returns the indexes of the patterns found. */
  scanBytes(bytes: Uint8Array): Set<number> {
    const found = new Set<number>();
    this.#matcher.scan(bytes, 0, bytes.length, this.#matcher.initial, (index) => found.add(index));
    return found;
  }

  /** `text` with every pattern masked: paths and JSON keys are printed, and may hold a value. */
  maskText(text: string): string {
    if (this.patterns.length === 0) return text;
    const masker = new StreamMasker(() => this.#mask);
    return Buffer.concat([...masker.push(Buffer.from(text, 'utf8')), ...masker.end()]).toString('utf8');
  }
}
