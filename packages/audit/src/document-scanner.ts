import type { ContentScanner } from './content-scanner.js';

/** Where in a JSON document patterns were found. */
export interface DocumentHit {
  /** Field path such as `config.Env[2]`, `config.Labels.org.example.key`, `history.created_by` or `(raw)`. */
  readonly field: string;
  /** Index into the config's `history` array, for history fields. */
  readonly historyIndex?: number;
  /** Pattern indexes found there. */
  readonly found: Set<number>;
}

type Segment = string | number;

function formatPath(segments: readonly Segment[], scanner: ContentScanner): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += `${out ? '.' : ''}${scanner.maskText(s)}`;
  }
  return out;
}

function walk(value: unknown, path: Segment[], visit: (path: readonly Segment[], text: string) => void): void {
  if (typeof value === 'string') visit(path, value);
  else if (typeof value === 'number' || typeof value === 'boolean') visit(path, String(value));
  else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i], visit));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      // A value used as a key (a label name, an env var name) is reported under the masked key.
      visit([...path, key], key);
      walk(v, [...path, key], visit);
    }
  }
}

/**
 * Search a JSON document (image config, manifest, index) field by field, so findings name the
 * field — and for the config's `history`, the step — rather than a byte offset. Whatever is found
 * only in the raw bytes (an escaped form, or a document that is not JSON) is reported as `(raw)`.
 */
export function scanDocument(doc: Buffer, scanner: ContentScanner, options: { config: boolean }): DocumentHit[] {
  const hits = new Map<string, DocumentHit>();
  const seen = new Set<string>();
  let parsed: unknown;
  let isJson = true;
  try {
    parsed = JSON.parse(doc.toString('utf8'));
  } catch {
    isJson = false;
  }
  if (isJson) {
    walk(parsed, [], (path, text) => {
      const found = scanner.scanBytes(Buffer.from(text, 'utf8'));
      if (found.size === 0) return;
      const history = options.config && path[0] === 'history' && typeof path[1] === 'number';
      const field = history ? formatPath(['history', ...path.slice(2)], scanner) : formatPath(path, scanner);
      const historyIndex = history ? (path[1] as number) : undefined;
      const key = `${field}#${historyIndex ?? ''}`;
      const hit = hits.get(key) ?? { field, ...(historyIndex !== undefined ? { historyIndex } : {}), found: new Set<number>() };
      for (const i of found) {
        hit.found.add(i);
        seen.add(scanner.patterns[i]!.secretId);
      }
      hits.set(key, hit);
    });
  }
  // Escaped forms of a value the field walk already found are the same leak: only report new secrets.
  const rawOnly = [...scanner.scanBytes(doc)].filter((i) => !seen.has(scanner.patterns[i]!.secretId));
  if (rawOnly.length > 0) hits.set('(raw)', { field: '(raw)', found: new Set(rawOnly) });
  return [...hits.values()];
}
