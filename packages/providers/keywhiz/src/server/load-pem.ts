import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '@buildsecrets/core';

/** A PEM given inline, or read from a path relative to the config directory. */
export async function loadPem(value: string, field: string, baseDir: string, provider: string): Promise<string> {
  if (value.trimStart().startsWith('-----BEGIN')) return value;
  const path = resolve(baseDir, value);
  try {
    const text = await readFile(path, 'utf8');
    if (!text.includes('-----BEGIN')) throw Object.assign(new Error('not PEM'), { code: 'ENOTPEM' });
    return text;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'ENOTPEM' ? 'is not a PEM file' : 'cannot be read';
    // Only the path is named: the option may have been an inline PEM with a typo in its header.
    throw new ConfigError([{ path: `options.${field}`, message: `${path} ${why}` }], { provider, cause: error });
  }
}
