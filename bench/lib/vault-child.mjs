// Runs the Vault test server in its own process, so the benchmark's client and the server do not
// share one event loop (on a 2-core machine that would double-count CPU). Seeds N KV v2 secrets
// at secret/bench/s<i> and injects the latency, then reports { url, rootToken } over IPC.
const kit = await import('@buildsecrets/test-kit');
const n = Number(process.argv[2]);
const latencyMs = Number(process.argv[3]);
const vault = await kit.startVaultTestServer();
const store = vault.kv2('secret');
for (let i = 0; i < n; i++) store.put(`bench/s${i}`, { value: `v${i}` });
vault.inject({ kind: 'latency', ms: latencyMs }, { path: 'secret/data/bench/' });
process.send({ url: vault.url, rootToken: vault.rootToken });
process.on('disconnect', () => void vault.close().then(() => process.exit(0)));
