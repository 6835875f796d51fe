import { basename } from 'node:path';

/** A well-known credential file found in the build context. */
export interface CredentialFile {
  /** Path relative to the context. */
  readonly path: string;
  /** What it is (`env file`, `npm token`, `netrc`, `private key`, …). */
  readonly kind: string;
}

/** Example/template env files hold placeholders by convention, not credentials. */
const ENV_EXAMPLE = /\.(example|sample|template|dist|defaults?)$/i;
const PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;
/** `_authToken=`, `_auth=`, `_password=` with a literal value (not `${VAR}`, which npm expands at run time). */
const NPM_TOKEN = /^\s*(?:\/\/[^\s=]*:)?_(?:authToken|auth|password)\s*=\s*(?!\$\{)\S/m;

/** How a name is judged: `always` by name alone, or `content` when the text must confirm it. */
type Rule = { readonly kind: string; readonly needs?: RegExp };

/** The rule for a file name, if it is a credential-file candidate. */
export function credentialRule(path: string): Rule | undefined {
  const name = basename(path);
  if (name.startsWith('.env') && !ENV_EXAMPLE.test(name)) return { kind: 'environment file (.env)' };
  if (name === '.netrc' || name === '_netrc') return { kind: 'netrc credentials' };
  if (name === '.git-credentials') return { kind: 'git credentials' };
  if (name === 'credentials.json') return { kind: 'credentials.json (e.g. a cloud service-account key)' };
  if (name === '.npmrc') return { kind: '.npmrc with an auth token', needs: NPM_TOKEN };
  if (name.startsWith('id_') && !name.endsWith('.pub')) return { kind: 'SSH private key', needs: PRIVATE_KEY };
  if (name.endsWith('.pem')) return { kind: 'PEM private key', needs: PRIVATE_KEY };
  return undefined;
}

/** Bytes of a candidate read to confirm it (keys and tokens sit near the top). */
export const CREDENTIAL_SNIFF_BYTES = 1024 * 1024;

/** Whether a candidate's content confirms the rule (rules without `needs` are confirmed by name). */
export function confirmsRule(rule: Rule, head: Buffer): boolean {
  return rule.needs ? rule.needs.test(head.toString('latin1')) : true;
}
