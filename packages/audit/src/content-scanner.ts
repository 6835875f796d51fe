import { compileMatcher } from './scanner/matcher.js';
import { StreamMasker, type MaskSpec } from './scanner/masker.js';
import type { SecretPattern } from './scanner/patterns.js';
import { compileSetMatcher, type SetMatcher } from './scanner/skip-matcher.js';
import type { EncodingName } from './scanner/encodings.js';
import { LineViews } from './line-views.js';
import { StreamSearch } from './stream-search.js';

/** Encodings that tools wrap into lines (`base64` at 76, PEM at 64, `xxd -p` at 60 columns), and what a wrapped match is called. */
const WRAPPED: Partial<Record<EncodingName, EncodingName>> = {
  base64: 'base64-wrapped',
  base64url: 'base64url-wrapped',
  hex: 'hex-wrapped',
  'hex-upper': 'hex-upper-wrapped',
};

/** One search over a stream in all views at once: the bytes as they are, their lines joined, and hex dumps decoded. */
export class ContentSearch {
  readonly #scanner: ContentScanner;
  readonly #main: StreamSearch;
  readonly #joined: StreamSearch | undefined;
  readonly #dumped: StreamSearch | undefined;
  readonly #lines: LineViews | undefined;

  constructor(scanner: ContentScanner, matchers: { main?: SetMatcher; joined?: SetMatcher; dumped?: SetMatcher }) {
    this.#scanner = scanner;
    this.#main = new StreamSearch(matchers.main);
    if (matchers.joined || matchers.dumped) {
      const joined = new StreamSearch(matchers.joined);
      const dumped = new StreamSearch(matchers.dumped);
      this.#joined = joined;
      this.#dumped = dumped;
      this.#lines = new LineViews({ joined: (b) => joined.push(b), dumped: (b) => dumped.push(b) }, matchers.joined?.longest ?? 0, matchers.dumped?.longest ?? 0);
    }
  }

  /** Bytes pushed so far. */
  get bytes(): number {
    return this.#main.bytes;
  }

  /** Search the next chunk (the chunk's tail is kept, not copied, until the next push). */
  push(chunk: Buffer): void {
    this.#main.push(chunk);
    this.#lines?.push(chunk);
  }

  /**
   * End of the stream: the indexes (into {@link ContentScanner.patterns}) of every pattern found.
   * A wrapped or dumped match is dropped when the same form was found as it is.
   */
  finish(): Set<number> {
    this.#lines?.end();
    const found = new Set(this.#main.found);
    const { joinedBase, dumpedBase, derivedFrom } = this.#scanner;
    for (const i of this.#joined?.found ?? []) if (!found.has(derivedFrom[joinedBase + i]!)) found.add(joinedBase + i);
    for (const i of this.#dumped?.found ?? []) if (!found.has(derivedFrom[dumpedBase + i]!)) found.add(dumpedBase + i);
    return found;
  }
}

/**
 * Searches byte streams for every audit pattern in one pass, also across chunk boundaries
 * (see `StreamSearch`), and masks printed names that hold a value. Besides the bytes as
 * they are, it searches two derived views of each stream (see `LineViews`): lines joined,
 * for the base64 and hex forms (found there, they are reported as `…-wrapped`), and hex dumps
 * decoded, for the raw value (reported as `hex-dump`).
 */
export class ContentScanner {
  /** Every pattern a finding can name: the given ones, then their wrapped forms, then their dumped forms. */
  readonly patterns: readonly SecretPattern[];
  /** For a derived pattern, the index of the pattern it was made from; for a given one, itself. */
  readonly derivedFrom: readonly number[];
  /** Index of the first wrapped-form pattern. */
  readonly joinedBase: number;
  /** Index of the first dumped-form pattern. */
  readonly dumpedBase: number;
  readonly #given: readonly SecretPattern[];
  readonly #main: SetMatcher;
  readonly #joined: SetMatcher | undefined;
  readonly #dumped: SetMatcher | undefined;
  #mask: MaskSpec | undefined;

  constructor(patterns: readonly SecretPattern[]) {
    this.#given = patterns;
    const derivedFrom = patterns.map((_, i) => i);
    const wrapped: SecretPattern[] = [];
    const dumped: SecretPattern[] = [];
    patterns.forEach((p, i) => {
      const name = WRAPPED[p.encoding];
      if (name) {
        wrapped.push({ ...p, encoding: name });
        derivedFrom.push(i);
      }
    });
    patterns.forEach((p, i) => {
      if (p.encoding === 'raw') {
        dumped.push({ ...p, encoding: 'hex-dump' });
        derivedFrom.push(i);
      }
    });
    this.joinedBase = patterns.length;
    this.dumpedBase = patterns.length + wrapped.length;
    this.patterns = [...patterns, ...wrapped, ...dumped];
    this.derivedFrom = derivedFrom;
    this.#main = compileSetMatcher(patterns.map((p) => p.bytes));
    this.#joined = wrapped.length > 0 ? compileSetMatcher(wrapped.map((p) => p.bytes)) : undefined;
    this.#dumped = dumped.length > 0 ? compileSetMatcher(dumped.map((p) => p.bytes)) : undefined;
  }

  /** Start searching one stream chunk by chunk. */
  begin(): ContentSearch {
    if (this.#given.length === 0) return new ContentSearch(this, {});
    return new ContentSearch(this, { main: this.#main, ...(this.#joined ? { joined: this.#joined } : {}), ...(this.#dumped ? { dumped: this.#dumped } : {}) });
  }

  /** Scan a whole stream; returns the indexes of the patterns found and the bytes read. */
  async scanStream(body: AsyncIterable<Buffer>): Promise<{ found: Set<number>; bytes: number }> {
    const search = this.begin();
    for await (const chunk of body) search.push(chunk);
    return { found: search.finish(), bytes: search.bytes };
  }

  /** Scan one buffer (in every view); returns the indexes of the patterns found. */
  scanBytes(bytes: Uint8Array): Set<number> {
    const search = this.begin();
    search.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return search.finish();
  }

  /** `text` with every pattern masked: paths and JSON keys are printed, and may hold a value. */
  maskText(text: string): string {
    if (this.#given.length === 0) return text;
    // Almost no path holds a value: the skip matcher says so cheaply, the masking automaton is built only when needed.
    const bytes = Buffer.from(text, 'utf8');
    let any = false;
    this.#main.find(bytes, () => (any = true));
    if (!any) return text;
    this.#mask ??= { matcher: compileMatcher(this.#given.map((p) => p.bytes)), replacements: this.#given.map(() => Buffer.from('***')) };
    const spec = this.#mask;
    const masker = new StreamMasker(() => spec);
    return Buffer.concat([...masker.push(bytes), ...masker.end()]).toString('utf8');
  }
}
