import { describe, expect, it } from 'vitest';
import { AbortedError, ProviderUnavailableError, TimeoutError } from '@buildsecrets/core';
import { abortedError, mapAwsError } from './map-error.js';

const subject = { secretId: 'db', provider: 'cloud', where: 'prod/db' };

describe('mapAwsError', () => {
  it('treats connection failures as retryable unavailability', () => {
    const err = mapAwsError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), subject);
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect(err.retryable).toBe(true);
  });

  it('never copies the vendor message, which may quote request or response data', () => {
    const err = mapAwsError(Object.assign(new Error('body was {"SecretString":"hunter2-canary"}'), { name: 'WeirdException' }), subject);
    expect(err.message).not.toContain('hunter2-canary');
    expect(String((err as { cause?: unknown }).cause)).not.toContain('hunter2-canary');
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('WeirdException');
  });

  it('tells the deadline from a cancel', () => {
    expect(abortedError(subject, true)).toBeInstanceOf(TimeoutError);
    expect(abortedError(subject, false)).toBeInstanceOf(AbortedError);
  });
});
