import type { LeakFinding } from '@buildsecrets/base';
import type { ArchiveScan } from './archive-reader.js';
import type { ContentScanner } from './content-scanner.js';
import { scanDocument } from './document-scanner.js';
import { digestFromPath, readLayouts } from './image-layout.js';
import type { LayerScan } from './layer-scanner.js';
import type { AuditReport } from './types.js';

type Location = LeakFinding['location'];

/** The first later layer that hides `path` (whiteout of it or an ancestor, or an opaque ancestor). */
function deletedBy(path: string, later: readonly { scan: LayerScan | undefined; digest: string }[]): string | undefined {
  const ancestors: string[] = [];
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) ancestors.push(path.slice(0, i));
  for (const { scan, digest } of later) {
    if (!scan) continue;
    if (scan.deleted.has(path) || ancestors.some((a) => scan.deleted.has(a) || scan.opaque.has(a)) || scan.opaque.has('')) return digest;
  }
  return undefined;
}

/**
 * How many of an image's layers, from the bottom, are its base image's: the longest common
 * prefix of its diff ids with any base's. A layer the build adds on top never matches a base's
 * layer at the same position (its content differs, or it would be the base's).
 */
export function baseLayerCount(diffIds: readonly string[], bases: readonly (readonly string[])[]): number {
  let best = 0;
  for (const baseIds of bases) {
    let i = 0;
    while (i < diffIds.length && i < baseIds.length && diffIds[i] === baseIds[i]) i++;
    // A base that does not match all the way is not this image's base (a different image sharing lower layers still counts for what it shares).
    best = Math.max(best, i);
  }
  return best;
}

/**
 * Indexes of the config's `history` steps that came with the base: every step up to and
 * including the one that made the last base layer. Empty-layer steps after it (ENV, ARG, LABEL)
 * cannot be told apart from the build's own and count as the build's.
 */
export function baseHistorySteps(config: Buffer | undefined, baseLayers: number): Set<number> {
  const steps = new Set<number>();
  if (!config || baseLayers === 0) return steps;
  let history: unknown;
  try {
    history = (JSON.parse(config.toString('utf8')) as { history?: unknown }).history;
  } catch {
    return steps;
  }
  if (!Array.isArray(history)) return steps;
  let layers = 0;
  for (let i = 0; i < history.length && layers < baseLayers; i++) {
    steps.add(i);
    if ((history[i] as { empty_layer?: unknown } | null)?.empty_layer !== true) layers++;
  }
  return steps;
}

/**
 * Turn the pass over the archive into the report: layers in image order with their digests and
 * whether a later layer deletes the file, the config's fields (with history step), and the
 * manifests. A secret's line-by-line matches are dropped where the whole value was found.
 */
export function buildReport(source: string, scan: ArchiveScan, scanner: ContentScanner, tooShort: readonly string[], baseDiffIds: readonly (readonly string[])[] = []): AuditReport {
  const findings: LeakFinding[] = [];
  const preExisting: LeakFinding[] = [];
  const seen = new Set<string>();
  let target = findings;
  const add = (found: Iterable<number>, location: Location): void => {
    const hits = [...found].map((i) => scanner.patterns[i]!);
    const whole = new Set(hits.filter((p) => p.encoding !== 'line').map((p) => p.secretId));
    for (const p of hits) {
      if (p.encoding === 'line' && whole.has(p.secretId)) continue;
      const finding: LeakFinding = { secretId: p.secretId, encoding: p.encoding, location };
      const key = JSON.stringify(finding);
      if (seen.has(key)) continue;
      seen.add(key);
      target.push(finding);
    }
  };
  const resolve = (path: string): string => scan.links.get(path) ?? path;
  const layouts = readLayouts(scan.docs);
  const digestOf = new Map<string, string>();
  for (const layout of layouts) for (const [path, digest] of layout.digests) digestOf.set(resolve(path), digest);
  const label = (path: string): string => digestOf.get(path) ?? digestFromPath(path) ?? path;

  const reported = new Set<string>();
  const base = new Set<string>();
  const reportLayer = (path: string, later: readonly string[]): void => {
    const layer = scan.layers.get(path);
    if (!layer) return;
    reported.add(path);
    target = base.has(path) ? preExisting : findings;
    const above = later.map((p) => ({ scan: scan.layers.get(p), digest: label(p) }));
    for (const [file, found] of layer.hits) {
      const deletedInLayer = file === '(blob)' ? undefined : deletedBy(file, above);
      add(found, { kind: 'layer', layer: label(path), path: file, ...(deletedInLayer ? { deletedInLayer } : {}) });
    }
  };
  for (const layout of layouts) {
    const order = layout.layers.map(resolve);
    const fromBase = baseLayerCount(layout.diffIds, baseDiffIds);
    order.slice(0, fromBase).forEach((path) => base.add(path));
  }
  for (const layout of layouts) {
    const order = layout.layers.map(resolve);
    order.forEach((path, i) => reportLayer(path, order.slice(i + 1)));
  }
  for (const path of scan.layers.keys()) if (!reported.has(path)) reportLayer(path, []);
  target = findings;

  const configs = new Set(layouts.map((l) => l.config).filter((c): c is string => c !== undefined).map(resolve));
  // History steps that came with the base: a value in them (RUN echo … in the base) is pre-existing too.
  const baseSteps = new Map<string, Set<number>>();
  for (const layout of layouts) {
    if (layout.config === undefined) continue;
    const config = resolve(layout.config);
    baseSteps.set(config, baseHistorySteps(scan.docs.get(config), baseLayerCount(layout.diffIds, baseDiffIds)));
  }
  const docs = [...scan.docs.keys()].sort((a, b) => Number(configs.has(b)) - Number(configs.has(a)));
  for (const file of docs) {
    const isConfig = configs.has(file);
    for (const hit of scanDocument(scan.docs.get(file)!, scanner, { config: isConfig })) {
      const location: Location = isConfig
        ? { kind: 'config', field: hit.field, ...(hit.historyIndex !== undefined ? { historyIndex: hit.historyIndex } : {}) }
        : { kind: 'manifest', file: scanner.maskText(file), field: hit.field };
      target = isConfig && hit.historyIndex !== undefined && baseSteps.get(file)?.has(hit.historyIndex) ? preExisting : findings;
      add(hit.found, location);
      target = findings;
    }
  }

  let files = 0;
  let bytes = 0;
  let layers = 0;
  for (const l of scan.layers.values()) {
    files += l.files;
    bytes += l.bytes;
    layers++;
  }
  for (const d of scan.docs.values()) bytes += d.length;
  const unscanned = scan.unscanned.map((u) => ({ layer: label(u.path), reason: u.reason }));
  return {
    source,
    findings,
    preExisting,
    tooShort: [...tooShort],
    unscanned,
    stats: { layers, files, bytes, baseLayers: base.size },
    clean: findings.length === 0 && preExisting.length === 0 && unscanned.length === 0,
  };
}
