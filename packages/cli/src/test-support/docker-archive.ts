import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What goes into the image config of {@link writeDockerArchive}'s image besides its one layer. */
export interface DockerArchiveImage {
  /** The image config's `config` (Env, Cmd, Labels…); default `{ Env: ['PATH=/bin'] }`. */
  readonly config?: Record<string, unknown>;
  /** `created_by` of the layer's history entry; default `ADD . /`. */
  readonly createdBy?: string;
}

/** The diff id the archive's one layer is named by in reports: `sha256:eeee…`. */
export const ARCHIVE_LAYER_DIGEST = `sha256:${'e'.repeat(64)}`;

/**
 * Write a `docker save` archive (made with the system tar, as a user's would be) whose one layer
 * holds `files` (path → content), under `dir`; returns the archive's path.
 */
export function writeDockerArchive(dir: string, files: Record<string, string>, image: DockerArchiveImage = {}): string {
  const tar = (args: string[]): void => void execFileSync('tar', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const layer = join(dir, 'layer');
  mkdirSync(layer, { recursive: true });
  for (const [path, body] of Object.entries(files)) {
    mkdirSync(join(layer, path, '..'), { recursive: true });
    writeFileSync(join(layer, path), body);
  }
  const out = join(dir, 'out');
  mkdirSync(join(out, 'l1'), { recursive: true });
  tar(['-C', layer, '-cf', join(out, 'l1', 'layer.tar'), '.']);
  const config = { config: image.config ?? { Env: ['PATH=/bin'] }, history: [{ created_by: image.createdBy ?? 'ADD . /' }], rootfs: { type: 'layers', diff_ids: [ARCHIVE_LAYER_DIGEST] } };
  writeFileSync(join(out, 'cfg.json'), JSON.stringify(config));
  writeFileSync(join(out, 'manifest.json'), JSON.stringify([{ Config: 'cfg.json', Layers: ['l1/layer.tar'] }]));
  const file = join(dir, 'image.tar');
  tar(['-C', out, '-cf', file, 'l1', 'cfg.json', 'manifest.json']);
  return file;
}
