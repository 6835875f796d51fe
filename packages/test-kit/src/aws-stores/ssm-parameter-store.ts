import { randomBytes } from 'node:crypto';
import { JsonFault } from './loopback-server.js';

/** Parameter types of SSM Parameter Store. */
export type SsmParameterType = 'String' | 'StringList' | 'SecureString';

interface ParameterVersion {
  readonly version: number;
  readonly value: string;
  readonly type: SsmParameterType;
  readonly labels: Set<string>;
  readonly modified: number;
}

interface Parameter {
  readonly versions: ParameterVersion[];
  failWith: string | undefined;
}

/** The most names GetParameters accepts in one call. */
export const SSM_GET_PARAMETERS_LIMIT = 10;

/** Parameters, versions and labels of the SSM test server. */
export class SsmParameterStore {
  readonly #params = new Map<string, Parameter>();

  constructor(
    readonly region: string,
    readonly accountId: string,
  ) {}

  /** Add a version (the next number) and return it. */
  put(name: string, value: string, type: SsmParameterType, labels: readonly string[]): number {
    let p = this.#params.get(name);
    if (!p) this.#params.set(name, (p = { versions: [], failWith: undefined }));
    const version = p.versions.length + 1;
    // A label names one version at a time: moving it takes it off the older one, as SSM does.
    for (const v of p.versions) for (const l of labels) v.labels.delete(l);
    p.versions.push({ version, value, type, labels: new Set(labels), modified: Math.floor(Date.now() / 1000) });
    return version;
  }

  /** The parameter named `name`, if any. */
  parameter(name: string): Parameter | undefined {
    return this.#params.get(name);
  }

  /** Move (or add) a label onto a version. */
  label(name: string, version: number, label: string): void {
    const p = this.#params.get(name);
    const target = p?.versions.find((v) => v.version === version);
    if (!p || !target) throw new Error(`no test parameter ${name} version ${version}`);
    for (const v of p.versions) v.labels.delete(label);
    target.labels.add(label);
  }

  /** GetParameters: found parameters, and the names (as sent) that are invalid. */
  getParameters(input: Record<string, unknown>): unknown {
    const names = input.Names;
    if (!Array.isArray(names) || names.length < 1 || names.length > SSM_GET_PARAMETERS_LIMIT || !names.every((n) => typeof n === 'string' && n.length > 0)) {
      throw new JsonFault('ValidationException', `1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length less than or equal to ${SSM_GET_PARAMETERS_LIMIT}`);
    }
    const decrypt = input.WithDecryption === true;
    // One failing parameter (no permission, a KMS key it cannot use) fails the whole call on SSM too.
    for (const requested of names as string[]) {
      const failing = this.#params.get(requested.split(':')[0]!)?.failWith;
      if (failing) throw new JsonFault(failing, `injected ${failing} for one of the requested parameters`);
    }
    const parameters: unknown[] = [];
    const invalid: string[] = [];
    for (const requested of new Set(names as string[])) {
      const [name, selector] = requested.split(/:(?=[^:]*$)/) as [string, string | undefined];
      const p = this.#params.get(name);
      const chosen = !p ? undefined : selector === undefined ? p.versions.at(-1)
        : /^\d+$/.test(selector) ? p.versions.find((v) => v.version === Number(selector)) : p.versions.find((v) => v.labels.has(selector));
      if (!chosen) {
        invalid.push(requested);
        continue;
      }
      const value = chosen.type === 'SecureString' && !decrypt ? `AQICAH${randomBytes(48).toString('base64')}` : chosen.value;
      parameters.push({
        Name: name,
        Type: chosen.type,
        Value: value,
        Version: chosen.version,
        ...(selector !== undefined ? { Selector: `:${selector}` } : {}),
        LastModifiedDate: chosen.modified,
        ARN: `arn:aws:ssm:${this.region}:${this.accountId}:parameter${name.startsWith('/') ? '' : '/'}${name}`,
        DataType: 'text',
      });
    }
    return { Parameters: parameters, InvalidParameters: invalid };
  }
}
