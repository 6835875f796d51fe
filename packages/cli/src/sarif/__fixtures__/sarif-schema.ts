import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * A validator for the OASIS SARIF 2.1.0 schema (fetched from the npm registry by
 * scripts/fetch-sarif-schema.mjs, checked by sha256; see that script for which copy and why).
 * Throws when the schema cannot be had: a SARIF test never passes without it.
 */
export async function sarifValidator(): Promise<(log: unknown) => string[]> {
  const script = fileURLToPath(new URL('../../../../../scripts/fetch-sarif-schema.mjs', import.meta.url));
  const { ensureSarifSchema } = (await import(script)) as { ensureSarifSchema: () => string };
  const schema = JSON.parse(readFileSync(ensureSarifSchema(), 'utf8')) as Record<string, unknown>;
  const require = createRequire(import.meta.url);
  const Ajv = require('ajv') as new (options: Record<string, unknown>) => { compile(schema: unknown): ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null }; addFormat(name: string, format: RegExp | ((s: string) => boolean)): void };
  const ajv = new Ajv({ allErrors: true, strict: false });
  // The schema's formats, checked for real (not ignored): absolute URIs, URI references, RFC 3339 times.
  ajv.addFormat('uri', (s) => { try { new URL(s); return true; } catch { return false; } });
  ajv.addFormat('uri-reference', (s) => !/\s/.test(s));
  ajv.addFormat('date-time', (s) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d\d-\d\dT/.test(s));
  const validate = ajv.compile(schema);
  return (log) => (validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`));
}
