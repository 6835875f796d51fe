import { ConfigError } from '../errors/index.js';

/** The largest config file buildsecrets reads (1 MiB). Real configs are a few KiB. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

function tooLarge(bytes: number, file: string | undefined): ConfigError {
  return new ConfigError(
    [{ path: '', message: `the config is ${bytes} bytes; the limit is ${MAX_CONFIG_BYTES} bytes (1 MiB). Is this the right file?` }],
    { file },
  );
}

/** Refuse a config by size before anything reads it whole. */
export function assertConfigSize(bytes: number, file: string | undefined): void {
  if (bytes > MAX_CONFIG_BYTES) throw tooLarge(bytes, file);
}

/**
 * Turn raw config bytes (or an already-decoded string) into text, refusing what cannot be a config:
 * oversized input, NUL bytes and invalid UTF-8. Checked before parsing so the parser never sees
 * binary garbage and no parser message can quote it.
 */
export function decodeConfigText(input: Uint8Array | string, file: string | undefined): string {
  const bytes = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  assertConfigSize(bytes, file);
  let text: string;
  if (typeof input === 'string') {
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  } else {
    try {
      // `fatal` makes invalid UTF-8 throw instead of turning into U+FFFD; the BOM is dropped.
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw new ConfigError([{ path: '', message: 'the config is not valid UTF-8 text; it looks like a binary file. Save it as UTF-8 YAML or JSON' }], { file });
    }
  }
  if (text.includes('\u0000')) {
    throw new ConfigError([{ path: '', message: 'the config contains NUL bytes; it looks like a binary file, not YAML or JSON' }], { file });
  }
  return text;
}
