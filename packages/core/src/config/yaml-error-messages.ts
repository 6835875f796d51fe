/**
 * Our own wording for the `yaml` package's error codes. The package's messages quote the offending
 * source line, and a config file may hold credentials, so only the code and position are used.
 */
const MESSAGES: Readonly<Record<string, string>> = {
  TAB_AS_INDENT: 'tabs are not allowed as indentation; indent with spaces',
  BAD_INDENT: 'bad indentation; nested keys must be indented further than their parent, with spaces',
  MISSING_CHAR: 'a closing quote or bracket is missing',
  UNEXPECTED_TOKEN: 'unexpected text; check the indentation and that every key ends with ":"',
  BLOCK_AS_IMPLICIT_KEY: 'a nested block cannot be used as a key; check the indentation',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line; a ":" is probably missing on the line before',
  MULTIPLE_DOCS: 'the file holds more than one YAML document ("---"); put the whole config in one',
  DUPLICATE_KEY: 'a key is defined twice in the same mapping',
  BAD_ALIAS: 'an alias (*name) is malformed',
  ALIAS_PROPS: 'an alias (*name) cannot have a tag or anchor',
  BAD_DQ_ESCAPE: 'a double-quoted string holds an invalid escape sequence',
  BAD_SCALAR_START: 'a plain value cannot start with this character; quote it',
  BLOCK_IN_FLOW: 'block syntax cannot be used inside {} or []',
  KEY_OVER_1024_CHARS: 'a key is longer than 1024 characters',
  MULTIPLE_ANCHORS: 'a node has more than one anchor (&name)',
  MULTIPLE_TAGS: 'a node has more than one tag',
  NON_STRING_KEY: 'a key is not a plain string',
  TAG_RESOLVE_FAILED: 'a value could not be read as the expected type; quote strings',
  BAD_COLLECTION_TYPE: 'a tag does not fit the collection it is on',
  BAD_DIRECTIVE: 'a % directive is malformed',
};

/** A value-free description of a `yaml` error code. */
export function describeYamlError(code: string): string {
  return MESSAGES[code] ?? `the YAML is malformed (${code})`;
}

/** `line 3, column 7` from the `yaml` package's `linePos`, or an empty string. */
export function describePosition(linePos: readonly { line: number; col: number }[] | undefined): string {
  const start = linePos?.[0];
  return start ? `line ${start.line}, column ${start.col}` : '';
}
