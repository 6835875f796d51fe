import { createHash } from 'node:crypto';
import type { LeakFinding } from '@buildsecrets/core';
import { ENCODING_DESCRIPTIONS, ruleFor, ruleId } from './sarif-rules.js';

/** Where the SARIF log says buildsecrets lives. */
export const INFORMATION_URI = 'https://github.com/buildsecrets/buildsecrets';
/** The schema the log names (the OASIS SARIF 2.1.0 schema). */
export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** What a SARIF log is made from: an audit's (or a build's) outcome, never a value. */
export interface SarifInput {
  /** What was audited: an image name, id or archive path. */
  readonly target: string;
  /** Findings written by the build (or not attributable to a base image): `error` results. */
  readonly findings: readonly LeakFinding[];
  /** Findings only in base-image layers: `warning` results, marked pre-existing. */
  readonly preExisting?: readonly LeakFinding[];
  /** Layers or blobs that could not be searched: error notifications, execution unsuccessful. */
  readonly unscanned?: readonly { readonly layer: string; readonly reason: string }[];
  /** Secret ids too short to search: warning notifications. */
  readonly tooShort?: readonly string[];
  /** The exit code the command ends with. */
  readonly exitCode: number;
  /** Why the command failed, when it failed for another reason than findings (a typed error's message). */
  readonly failure?: string;
  /** This buildsecrets' version. */
  readonly version: string;
  /** The command line (already redacted by the caller). */
  readonly commandLine?: string;
}

function locationKey(finding: LeakFinding): string {
  const at = finding.location;
  if (at.kind === 'layer') return `layer:${at.path}`;
  if (at.kind === 'config') return `config:${at.field}${at.historyIndex !== undefined ? `[${at.historyIndex}]` : ''}`;
  return `manifest:${at.file}:${at.field}`;
}

/**
 * Stable across runs of the same Dockerfile: the secret id, the encoding and the place (path or
 * config field) — not the layer digest, which changes with every rebuild, and nothing derived from
 * the value (a hash of a secret is a dictionary-attack target).
 */
export function fingerprint(finding: LeakFinding): string {
  return createHash('sha256').update(`${finding.secretId}\0${finding.encoding}\0${locationKey(finding)}`).digest('hex');
}

function describe(finding: LeakFinding, preExisting: boolean): string {
  const at = finding.location;
  const how = ENCODING_DESCRIPTIONS[finding.encoding] ?? `the "${finding.encoding}" encoding`;
  const where = at.kind === 'layer'
    ? `/${at.path} in layer ${at.layer}${at.deletedInLayer ? ` (deleted in layer ${at.deletedInLayer}, still shipped)` : ''}`
    : at.kind === 'config' ? `the image config field ${at.field}${at.historyIndex !== undefined ? ` (history step ${at.historyIndex})` : ''}` : `${at.file} field ${at.field}`;
  return `Secret "${finding.secretId}" found as ${how} at ${where}${preExisting ? '; only in a base-image layer (pre-existing, not written by this build)' : ''}.`;
}

function locationOf(finding: LeakFinding): Record<string, unknown> {
  const at = finding.location;
  if (at.kind === 'layer') {
    return {
      physicalLocation: { artifactLocation: { uri: encodeURI(at.path), uriBaseId: 'IMAGE_ROOT' } },
      logicalLocations: [{ name: at.path.split('/').pop() ?? at.path, fullyQualifiedName: `${at.layer}/${at.path}`, kind: 'layer-file' }],
    };
  }
  if (at.kind === 'config') return { logicalLocations: [{ name: at.field, fullyQualifiedName: `config.${at.field}`, kind: 'image-config-field' }] };
  return { logicalLocations: [{ name: at.field, fullyQualifiedName: `${at.file}#${at.field}`, kind: 'manifest-field' }] };
}

/**
 * A SARIF 2.1.0 log of one audit: one run, one rule per encoding found, one result per finding
 * (location = layer digest + path, or config field; never the value or a fragment of it),
 * `partialFingerprints` that stay the same across runs, and the invocation with the exit code and a
 * notification for every layer that could not be searched.
 */
export function sarifLog(input: SarifInput): Record<string, unknown> {
  const all = [...input.findings.map((f) => ({ f, pre: false })), ...(input.preExisting ?? []).map((f) => ({ f, pre: true }))];
  const encodings = [...new Set(all.map(({ f }) => f.encoding))].sort();
  const results = all.map(({ f, pre }) => ({
    ruleId: ruleId(f.encoding),
    ruleIndex: encodings.indexOf(f.encoding),
    level: pre ? 'warning' : 'error',
    message: { text: describe(f, pre) },
    locations: [locationOf(f)],
    partialFingerprints: { 'buildsecretsFinding/v1': fingerprint(f) },
    properties: {
      secretId: f.secretId,
      encoding: f.encoding,
      ...(f.location.kind === 'layer' ? { layer: f.location.layer, path: `/${f.location.path}` } : {}),
      ...(f.location.kind === 'config' ? { configField: f.location.field } : {}),
      preExisting: pre,
    },
  }));
  const notifications = [
    ...(input.unscanned ?? []).map((u) => ({ level: 'error', message: { text: `could not search ${u.layer}: ${u.reason}` }, descriptor: { id: 'buildsecrets/unscanned-layer' } })),
    ...(input.tooShort ?? []).map((id) => ({ level: 'warning', message: { text: `secret "${id}" is shorter than 8 bytes and was not searched` }, descriptor: { id: 'buildsecrets/too-short' } })),
    ...(input.failure ? [{ level: 'error', message: { text: input.failure } }] : []),
  ];
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'buildsecrets', version: input.version, semanticVersion: input.version, informationUri: INFORMATION_URI, rules: encodings.map((e) => ruleFor(e, INFORMATION_URI)) } },
        invocations: [
          {
            executionSuccessful: input.exitCode === 0 || (input.exitCode === 3 && (input.unscanned ?? []).length === 0 && !input.failure),
            exitCode: input.exitCode,
            ...(input.commandLine ? { commandLine: input.commandLine } : {}),
            toolExecutionNotifications: notifications,
          },
        ],
        originalUriBaseIds: { IMAGE_ROOT: { description: { text: `The root filesystem of ${input.target}, layer by layer (each result names its layer).` } } },
        properties: { target: input.target },
        results,
        columnKind: 'unicodeCodePoints',
      },
    ],
  };
}
