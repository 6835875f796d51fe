#!/usr/bin/env node
// Writes the two saved images the demo audits when no container engine answers:
//   leaked.tar — a layer wrote the demo API key (./secrets/api_key) into a file and a later layer
//                deleted it: the value is still in the image, which is exactly what the audit catches;
//   clean.tar  — the same image built the buildsecrets way: only a hash of each secret is kept.
// Both are docker-archive tars (what `docker save` writes), byte-for-byte reproducible: fixed
// timestamps, owners and order, no engine needed. `node make-saved-images.mjs --check` fails when
// the committed files differ from what this script writes.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const apiKey = readFileSync(join(here, '../secrets/api_key'), 'utf8').trim();
const CREATED = '2026-01-01T00:00:00Z';

/** One 512-byte ustar header. */
function header(name, size, type) {
  const h = Buffer.alloc(512);
  const put = (text, at, length) => h.write(text, at, length, 'utf8');
  const octal = (n, at, length) => put(`${n.toString(8).padStart(length - 1, '0')}\0`, at, length);
  put(name, 0, 100);
  octal(type === '5' ? 0o755 : 0o644, 100, 8);
  octal(0, 108, 8);
  octal(0, 116, 8);
  octal(size, 124, 12);
  octal(0, 136, 12);
  h.fill(' ', 148, 156);
  put(type, 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const byte of h) sum += byte;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return h;
}

/** A tar of `entries` ([name, body] pairs; a name ending in `/` is a directory), in the given order. */
function tar(entries) {
  const parts = [];
  for (const [name, body] of entries) {
    if (name.endsWith('/')) {
      parts.push(header(name, 0, '5'));
      continue;
    }
    const data = Buffer.from(body);
    parts.push(header(name, data.length, '0'), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/** A docker-archive: one `<id>/layer.tar` per layer, the config, manifest.json and repositories. */
function dockerArchive(tag, layers, history) {
  const layerTars = layers.map((files) => tar(files));
  const diffIds = layerTars.map((t) => `sha256:${sha256(t)}`);
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    created: CREATED,
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['cat', '/proof.txt'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: history.map((created_by) => ({ created: CREATED, created_by })),
  });
  const configName = `${sha256(config)}.json`;
  const layerDirs = layerTars.map((t) => sha256(t));
  const [repo, version] = tag.split(':');
  const manifest = JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: layerDirs.map((d) => `${d}/layer.tar`) }]);
  return tar([
    ...layerDirs.flatMap((dir, i) => [[`${dir}/`], [`${dir}/layer.tar`, layerTars[i]]]),
    [configName, config],
    ['manifest.json', manifest],
    ['repositories', JSON.stringify({ [repo]: { [version]: layerDirs.at(-1) } })],
  ]);
}

const base = [['etc/'], ['etc/os-release', 'NAME="demo base"\n'], ['bin/'], ['bin/true', '#!/bin/sh\n']];
const proof = `${sha256('demo npm token')}\n${sha256(apiKey)}\n`;

export const IMAGES = {
  // The classic mistake: COPY a secret in, use it, `rm` it in a later step. The lower layer keeps it.
  'leaked.tar': dockerArchive('buildsecrets-demo:leaked', [base, [['app/'], ['app/api.env', `API_KEY=${apiKey}\n`]], [['app/'], ['app/.wh.api.env', '']], [['proof.txt', proof]]], [
    'ADD rootfs.tar /',
    'COPY secrets/api.env /app/api.env # buildkit',
    'RUN rm /app/api.env # buildkit',
    'RUN sha256sum ... > /proof.txt # buildkit',
  ]),
  // The buildsecrets way: the secret is a tmpfs mount during one RUN step; only its hash is kept.
  'clean.tar': dockerArchive('buildsecrets-demo:clean', [base, [['proof.txt', proof]]], [
    'ADD rootfs.tar /',
    'RUN --mount=type=secret,id=npm_token,required=true --mount=type=secret,id=api_key,required=true sha256sum ... > /proof.txt # buildkit',
  ]),
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [name, bytes] of Object.entries(IMAGES)) {
    const file = join(here, name);
    if (check) {
      let committed;
      try { committed = readFileSync(file); } catch { committed = Buffer.alloc(0); }
      if (!committed.equals(bytes)) { stale++; process.stderr.write(`${name} differs from what make-saved-images.mjs writes\n`); }
    } else {
      writeFileSync(file, bytes);
      process.stdout.write(`wrote ${name} (${bytes.length} bytes)\n`);
    }
  }
  process.exitCode = stale ? 1 : 0;
}
