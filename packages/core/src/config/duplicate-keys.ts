import type { Document, Node } from 'yaml';
import { yamlModule } from './yaml-module.js';
import type { ConfigIssue } from '../errors/index.js';
import { formatPath, type PathSegment } from './issue-path.js';

/** Maps whose keys are ids: a key arriving twice there (also through `<<`) is a duplicate definition. */
const ID_MAPS = new Set(['secrets', 'providers']);
const MAX_DEPTH = 64;

type AnyDoc = Document.Parsed | Document;

function resolveNode(node: unknown, doc: AnyDoc): unknown {
  const { isAlias } = yamlModule();
  return isAlias(node) ? node.resolve(doc) : node;
}

/** The key as the loaded object will see it (JS object keys are strings), or undefined for complex keys. */
function keyString(key: unknown, doc: AnyDoc): string | undefined {
  const { isScalar } = yamlModule();
  const resolved = resolveNode(key, doc);
  if (!isScalar(resolved)) return undefined;
  return typeof resolved.value === 'symbol' ? undefined : String(resolved.value);
}

function isMergeKey(key: unknown): boolean {
  const { isScalar } = yamlModule();
  return isScalar(key) && (typeof key.value === 'symbol' || (key.value === '<<' && key.source === '<<'));
}

function mergedKeys(value: unknown, doc: AnyDoc): string[] {
  const { isMap, isSeq } = yamlModule();
  const sources = isSeq(value) ? value.items : [value];
  const keys: string[] = [];
  for (const source of sources) {
    const map = resolveNode(source, doc);
    if (!isMap(map)) continue;
    for (const pair of map.items) {
      const k = keyString(pair.key, doc);
      if (k !== undefined) keys.push(k);
    }
  }
  return keys;
}

/**
 * Find keys defined twice in one mapping, as the parsed object would silently collapse them:
 * `a` and `"a"`, `1` and `"1"`, an anchored key and its alias, and (in `secrets` / `providers`)
 * an id that a `<<` merge key brings in next to an explicit one or from two merge sources.
 * Field-level overrides after a merge inside one entry are normal YAML and are left alone.
 */
export function findDuplicateKeys(doc: AnyDoc): ConfigIssue[] {
  const { isAlias, isMap, isSeq } = yamlModule();
  const issues: ConfigIssue[] = [];
  const walk = (node: unknown, path: PathSegment[], depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...path, i], depth + 1));
      return;
    }
    if (!isMap(node)) return;
    const isIdMap = path.length === 1 && ID_MAPS.has(String(path[0]));
    const explicit = new Set<string>();
    const merged = new Set<string>();
    const reported = new Set<string>();
    const report = (key: string, how: string): void => {
      if (reported.has(key)) return;
      reported.add(key);
      const what = isIdMap ? `${path[0] === 'secrets' ? 'secret id' : 'provider'} "${key}"` : `key "${key}"`;
      issues.push({ path: formatPath([...path, key]), message: `${what} is defined more than once${how}; keep one definition` });
    };
    for (const pair of node.items) {
      if (isMergeKey(pair.key)) {
        for (const k of mergedKeys(pair.value, doc)) {
          if (isIdMap && (explicit.has(k) || merged.has(k))) report(k, ' (through a `<<` merge key)');
          merged.add(k);
        }
        continue;
      }
      const k = keyString(pair.key, doc);
      if (k === undefined) continue;
      if (explicit.has(k)) report(k, '');
      else if (isIdMap && merged.has(k)) report(k, ' (through a `<<` merge key)');
      explicit.add(k);
      // Aliased values are walked where their anchor is defined.
      if (!isAlias(pair.value)) walk(pair.value as Node | null, [...path, k], depth + 1);
    }
  };
  walk(doc.contents, [], 0);
  return issues;
}
