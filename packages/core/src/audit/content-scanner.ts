import { compileMatcher } from '../redaction/matcher.js';
import { StreamMasker, type MaskSpec } from '../redaction/masker.js';
import type { SecretPattern } from '../redaction/patterns.js';
import { compileSetMatcher, type SetMatcher } from '../redaction/skip-matcher.js';
import { StreamSearch } from './stream-search.js';

/**
 * Searches byte streams for every audit pattern in one pass, also across chunk boundaries
 * (see {@link StreamSearch}), and masks printed names that hold a value.
 */
export class ContentScanner {
  readonly patterns: readonly SecretPattern[];
  readonly #matcher: SetMatcher;
  #mask: MaskSpec | undefined;

  constructor(patterns: readonly SecretPattern[]) {
    this.patterns = patterns;
    this.#matcher = compileSetMatcher(patterns.map((p) => p.bytes));
  }

  /** Start searching one stream chunk by chunk (see {@link StreamSearch}). */
  begin(): StreamSearch {
    return new StreamSearch(this.patterns.length > 0 ? this.#matcher : undefined);
  }

  /** Scan a whole stream; returns the indexes of the patterns found and the bytes read. */
  async scanStream(body: AsyncIterable<Buffer>): Promise<{ found: Set<number>; bytes: number }> {
    const search = this.begin();
    for await (const chunk of body) search.push(chunk);
    return { found: search.found, bytes: search.bytes };
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
