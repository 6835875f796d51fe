import { describe, expect, it } from 'vitest';
import { requestedName } from './parameter-name.js';

describe('the name sent to GetParameters', () => {
  it('appends a version number or label as SSM selector', () => {
    expect(requestedName('/app/db', undefined)).toBe('/app/db');
    expect(requestedName('/app/db', '3')).toBe('/app/db:3');
    expect(requestedName('/app/db', 'prod')).toBe('/app/db:prod');
    expect(requestedName('/app/db:prod', undefined)).toBe('/app/db:prod');
    expect(requestedName('arn:aws:ssm:eu-west-1:123456789012:parameter/app/db', '2')).toBe('arn:aws:ssm:eu-west-1:123456789012:parameter/app/db:2');
  });

  it('refuses names SSM cannot hold, labels starting with a digit-and-letters mix, and two selectors', () => {
    expect(requestedName('has space', undefined)).toBeUndefined();
    expect(requestedName('/app/db', '3a')).toBeUndefined();
    expect(requestedName('/app/db', '')).toBeUndefined();
    expect(requestedName('/app/db:1', '2')).toBeUndefined();
  });
});
