import { describe, expect, it } from 'vitest';
import { createRedactor } from '../redaction/redactor.js';
import { SecretValue } from '../secret-value.js';
import { makeCanary } from '../../../../test/setup/canary-values.js';
import { holdLogger } from './held-logger.js';
import { createLogger } from './logger.js';

describe('holdLogger', () => {
  it('writes nothing until released, then every held line in order, and later lines straight through', () => {
    const written: string[] = [];
    const held = holdLogger(createLogger(createRedactor(), { level: 'debug', prefix: '>', write: (line) => void written.push(line) }));
    held.logger.info('one');
    held.logger.warn('two');
    held.logger.debug('three');
    expect(written).toEqual([]);
    held.release();
    expect(written).toEqual(['> one', '> warn: two', '> debug: three']);
    held.logger.error('four');
    held.release();
    expect(written).toEqual(['> one', '> warn: two', '> debug: three', '> error: four']);
  });

  it('masks a held line against the values known when it is written, including ones added after it was logged', () => {
    const value = makeCanary('held-line');
    const redactor = createRedactor();
    const written: string[] = [];
    const held = holdLogger(createLogger(redactor, { write: (line) => void written.push(line) }));
    held.logger.info(`token is ${value}`);
    redactor.add('token', SecretValue.from(value));
    held.release();
    expect(written).toHaveLength(1);
    expect(written[0]).not.toContain(value);
  });
});
