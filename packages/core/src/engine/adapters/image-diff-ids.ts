import type { EngineEnvironment, ImageDiffIds } from '../engine-adapter.js';
import { capture } from '../exec-capture.js';

const INSPECT_TIMEOUT_MS = 30_000;

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}

function field(value: unknown, key: string): unknown {
  return value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * Ask an engine for a local image's `rootfs.diff_ids` with `argv` (binary first) and pick them out
 * of its JSON answer with `pick`. A failed or unreadable answer is a reason, never a throw: the
 * audit then counts that base image's layers as the build's (it warns), which is the safe side.
 */
export async function inspectDiffIds(argv: readonly string[], what: string, pick: (json: unknown) => unknown, options: EngineEnvironment): Promise<ImageDiffIds> {
  const result = await capture(argv[0]!, argv.slice(1), { env: options.env, ...(options.signal ? { signal: options.signal } : {}), timeoutMs: options.timeoutMs ?? INSPECT_TIMEOUT_MS });
  if (result.spawnError || result.code !== 0) return { reason: `not in the local image store (${what} failed)` };
  try {
    const ids = strings(pick(JSON.parse(result.stdout.trim()) as unknown));
    return ids ?? { reason: `${what} gave no layer list` };
  } catch {
    return { reason: `${what} gave no layer list` };
  }
}

/** `docker image inspect` / `podman image inspect`: `.RootFS.Layers`, asked for as JSON. */
export function inspectRootFsLayers(binary: string, kind: string, image: string, options: EngineEnvironment): Promise<ImageDiffIds> {
  return inspectDiffIds([binary, 'image', 'inspect', '--format', '{{json .RootFS.Layers}}', image], `${kind} image inspect`, (json) => json, options);
}

/** `buildah inspect --type image` (1.28 has no `json` template function): the whole answer, then `.OCIv1.rootfs.diff_ids`. */
export function inspectBuildahDiffIds(buildah: string, image: string, options: EngineEnvironment): Promise<ImageDiffIds> {
  return inspectDiffIds([buildah, 'inspect', '--type', 'image', image], 'buildah inspect', (json) => field(field(field(json, 'OCIv1'), 'rootfs'), 'diff_ids'), options);
}
