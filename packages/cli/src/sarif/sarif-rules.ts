/**
 * One SARIF rule per encoding the audit searches, so a code-scanning UI groups findings by how the
 * value was written. Ids are stable (`buildsecrets/leak/<encoding>`); help text says what the
 * encoding is and what to do, never anything about a value.
 */

/** The encodings the audit reports (see the redactor's `EncodingName`), each with a human description. */
export const ENCODING_DESCRIPTIONS: Readonly<Record<string, string>> = {
  raw: 'the value byte for byte',
  base64: 'the value base64-encoded (standard alphabet, any alignment)',
  base64url: 'the value base64url-encoded (URL-safe alphabet)',
  hex: 'the value as lowercase hex',
  'hex-upper': 'the value as uppercase hex',
  url: 'the value percent-encoded as a URL component',
  'url-form': 'the value form-encoded (application/x-www-form-urlencoded)',
  'url-full': 'the value with every byte percent-encoded',
  json: 'the value as a JSON string literal (escaped)',
  utf16le: 'the value encoded as UTF-16LE',
  line: 'one significant line of a multi-line value (a key body, a certificate line)',
  'base64-wrapped': 'the value base64-encoded and wrapped over several lines',
  'base64url-wrapped': 'the value base64url-encoded and wrapped over several lines',
  'hex-wrapped': 'the value hex-encoded and wrapped over several lines',
  'hex-upper-wrapped': 'the value uppercase-hex-encoded and wrapped over several lines',
  'hex-dump': 'the value inside a hex dump (xxd, od, hexdump)',
};

/** A SARIF `reportingDescriptor` for one encoding. */
export interface SarifRule {
  readonly id: string;
  readonly name: string;
  readonly shortDescription: { readonly text: string };
  readonly fullDescription: { readonly text: string };
  readonly help: { readonly text: string; readonly markdown: string };
  readonly helpUri: string;
  readonly defaultConfiguration: { readonly level: 'error' };
  readonly properties: { readonly tags: readonly string[]; readonly 'security-severity': string; readonly precision: 'very-high' };
}

/** The rule id for an encoding. */
export function ruleId(encoding: string): string {
  return `buildsecrets/leak/${encoding}`;
}

function pascal(encoding: string): string {
  return encoding.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/** The rule for `encoding` (an encoding this version does not describe still gets a rule). */
export function ruleFor(encoding: string, informationUri: string): SarifRule {
  const what = ENCODING_DESCRIPTIONS[encoding] ?? `the value in the "${encoding}" encoding`;
  const help = [
    `A secret value was found in the image as ${what}.`,
    'Anyone who can pull the image can read it. Rotate the secret, then rebuild so that the value reaches the',
    'build only through a secret mount, an ssh agent or a served file (RUN --mount=type=secret), never through',
    'COPY, ARG/ENV or a file a RUN step writes. The location names the layer and path (or the config field).',
  ].join(' ');
  return {
    id: ruleId(encoding),
    name: `SecretValueIn${pascal(encoding)}`,
    shortDescription: { text: `Secret value in the image (${encoding})` },
    fullDescription: { text: `A resolved secret value was found in an image layer, the image config or a manifest as ${what}.` },
    help: { text: help, markdown: `**Secret value in the image (${encoding})**\n\n${help}` },
    helpUri: `${informationUri}#audit`,
    defaultConfiguration: { level: 'error' },
    properties: { tags: ['security', 'secret', 'container-image'], 'security-severity': '9.0', precision: 'very-high' },
  };
}
