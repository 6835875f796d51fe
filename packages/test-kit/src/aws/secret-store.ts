import { randomBytes, randomUUID } from 'node:crypto';

/** One stored version of a test secret. */
export interface AwsTestSecretVersion {
  readonly versionId: string;
  /** Staging labels on this version (AWSCURRENT, AWSPREVIOUS, custom). */
  stages: string[];
  readonly secretString?: string;
  readonly secretBinary?: Buffer;
  /** Epoch seconds. */
  readonly createdDate: number;
}

/** One test secret with all its versions. */
export interface AwsTestSecret {
  readonly name: string;
  readonly arn: string;
  readonly versions: AwsTestSecretVersion[];
  /** Per-secret failure: every read of this secret answers with this error type. */
  failWith?: string;
}

/** What to look up: a name, full ARN or partial ARN, and optionally a version id or stage. */
export interface AwsVersionQuery {
  readonly secretId: string;
  readonly versionId?: string;
  readonly versionStage?: string;
}

/** Secrets, versions and stages as Secrets Manager keeps them, in memory. */
export class AwsSecretStore {
  readonly #secrets = new Map<string, AwsTestSecret>();

  constructor(private readonly region: string, private readonly accountId: string) {}

  /**
   * Add a version. By default it becomes AWSCURRENT and the previous current version becomes
   * AWSPREVIOUS, as PutSecretValue does.
   */
  put(name: string, value: string | Uint8Array, options: { versionId?: string; stages?: readonly string[] } = {}): AwsTestSecretVersion & { arn: string } {
    let secret = this.#secrets.get(name);
    if (!secret) {
      const suffix = randomBytes(4).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 6).padEnd(6, 'x');
      secret = { name, arn: `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${name}-${suffix}`, versions: [] };
      this.#secrets.set(name, secret);
    }
    const stages = [...(options.stages ?? ['AWSCURRENT'])];
    if (stages.includes('AWSCURRENT')) {
      for (const v of secret.versions) v.stages = v.stages.filter((s) => s !== 'AWSPREVIOUS');
      for (const v of secret.versions) if (v.stages.includes('AWSCURRENT')) v.stages = [...v.stages.filter((s) => s !== 'AWSCURRENT'), 'AWSPREVIOUS'];
    }
    for (const v of secret.versions) v.stages = v.stages.filter((s) => s === 'AWSPREVIOUS' || s === 'AWSCURRENT' || !stages.includes(s));
    const version: AwsTestSecretVersion = {
      versionId: options.versionId ?? randomUUID(),
      stages,
      ...(typeof value === 'string' ? { secretString: value } : { secretBinary: Buffer.from(value) }),
      createdDate: Math.floor(Date.now() / 1000),
    };
    secret.versions.push(version);
    return { ...version, arn: secret.arn };
  }

  /** Find a secret by name, full ARN or partial ARN (without the random suffix). */
  secret(secretId: string): AwsTestSecret | undefined {
    const byName = this.#secrets.get(secretId);
    if (byName) return byName;
    for (const s of this.#secrets.values()) if (s.arn === secretId || (secretId.startsWith('arn:') && s.arn.startsWith(`${secretId}-`) && s.arn.length === secretId.length + 7)) return s;
    return undefined;
  }

  /** Find the version a query asks for; AWSCURRENT when neither id nor stage is given. */
  version(secret: AwsTestSecret, query: AwsVersionQuery): AwsTestSecretVersion | undefined {
    const stage = query.versionStage ?? (query.versionId ? undefined : 'AWSCURRENT');
    return secret.versions.find((v) => (query.versionId === undefined || v.versionId === query.versionId) && (stage === undefined || v.stages.includes(stage)));
  }
}
