/** Name parts that on their own mark a variable as holding a secret. */
const SECRET_WORDS = new Set([
  'TOKEN', 'TOKENS', 'SECRET', 'SECRETS', 'PASSWORD', 'PASSWORDS', 'PASSWD', 'PASS', 'PASSPHRASE', 'PWD',
  'CREDENTIAL', 'CREDENTIALS', 'CREDS', 'AUTH', 'APIKEY', 'PRIVATEKEY', 'ACCESSKEY', 'SECRETKEY',
]);
/** Pairs of adjacent parts that mark a secret (`API_KEY`, `PRIVATE_KEY`, …). */
const SECRET_PAIRS = new Set(['API KEY', 'PRIVATE KEY', 'ACCESS KEY', 'SECRET KEY', 'SIGNING KEY', 'CLIENT SECRET', 'SSH KEY']);
/** Names that contain a secret word but are well known not to be secrets. */
const NOT_SECRETS = new Set(['PWD', 'OLDPWD']);

/** Split `NPM_AUTH_TOKEN`, `npmAuthToken`, `npm-auth.token` into upper-case parts. */
function parts(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
}

/**
 * Whether an ARG/ENV name looks like it holds a secret (TOKEN, SECRET, PASSWORD, API_KEY,
 * PRIVATE_KEY, CREDENTIAL, AUTH, …). Matching is by whole name parts, so `AUTHOR` or
 * `PASSTHROUGH` do not match.
 */
export function looksLikeSecretName(name: string): boolean {
  if (NOT_SECRETS.has(name.toUpperCase())) return false;
  const words = parts(name);
  for (let i = 0; i < words.length; i++) {
    if (SECRET_WORDS.has(words[i]!)) return true;
    if (i + 1 < words.length && SECRET_PAIRS.has(`${words[i]} ${words[i + 1]}`)) return true;
  }
  return false;
}
