import { describe, expect, it } from 'vitest';
import { lineHoldsSecret, readsLikeWords, wordHoldsSecret } from './secret-token.js';

describe('what looks like secret material in a word', () => {
  it('identifiers, camelCase names and constants read like words; random tokens of any case do not', () => {
    for (const words of ['auth_provider_x509_cert_url', 'activeDirectoryGraphResourceId', 'GOOGLE_APPLICATION_CREDENTIALS', 'certificate-authority-data', 'always-auth=true']) {
      expect(readsLikeWords(words), words).toBe(true);
    }
    for (const random of ['q8Zr2xKp9LmN4vB7tY1wQe3s', '82MJJTSGJ2XEEX8NHM629EM260G0R', 'xkcdvbnqwrtzplmfhgj', 'JBSWY3DPEHPK3PXPQZRT']) {
      expect(readsLikeWords(random), random).toBe(false);
    }
  });

  it('judges a URL by its user-info, path segments and parameters, never by its scheme and host', () => {
    expect(wordHoldsSecret('https://management.core.windows.net:8443/')).toBe(false);
    expect(wordHoldsSecret('https://www.googleapis.com/robot/v1/metadata/x509/deployer%40example-project.iam.gserviceaccount.com')).toBe(false);
    expect(wordHoldsSecret('postgres://app:X9VtjBhcSxfRgXHrrgBEqn4k@db.example.com/app')).toBe(true);
    expect(wordHoldsSecret('https://hooks.example.com/services/T0AB12CD3/q8Zr2xKp9LmN4vB7tY1wQe3s')).toBe(true);
    expect(wordHoldsSecret('https://api.example.com/v1/items?limit=100&access_token=q8Zr2xKp9LmN4vB7tY1wQe3s')).toBe(true);
  });

  it('never counts a host name or an e-mail address, counts hex with digits and letters', () => {
    expect(wordHoldsSecret('o4509876.ingest.monitoring-service.io')).toBe(false);
    expect(wordHoldsSecret('deployer@example-project-2024.iam.gserviceaccount.com')).toBe(false);
    expect(wordHoldsSecret('4c4331ccc6d6672b93e152e126385ec0')).toBe(true);
  });

  it('finds the value after a label (KEY=value, "key": "value", key: value) and skips the word after an OpenSSH key type', () => {
    expect(lineHoldsSecret('STRIPE_SECRET_KEY=sk_live_q8Zr2xKp9LmN4vB7tY1wQe3s')).toBe(true);
    expect(lineHoldsSecret('"clientSecret": "q8Zr2xKp9LmN4vB7tY1wQe3s~Ab",')).toBe(true);
    expect(lineHoldsSecret('token: q8Zr2xKp9LmN4vB7tY1wQe3s')).toBe(true);
    expect(lineHoldsSecret('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIi1QJaHteCV7pPFVHM7O2Tph9SGKQWrYYAAAACGNpQGJ1aWxk ci@build')).toBe(false);
    expect(lineHoldsSecret('github.com ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT/y6v0mKV0U2w0WZ2YB/++Tpockg=')).toBe(false);
  });
});
