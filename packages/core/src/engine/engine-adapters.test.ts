import { buildahAdapter, podmanAdapter } from './adapters/containers-adapters.js';
import { dockerBuildkitAdapter, dockerBuildxAdapter, dockerClassicAdapter } from './adapters/docker-adapters.js';
import { runAdapterConformance } from './__fixtures__/adapter-conformance.js';

// Every adapter keeps the same contract; each engine's real behaviour is proven in test/e2e/engines.
// docker-buildx has no Debian package here, so only the fake covers it. Checked against buildx's
// documented behaviour: without the plugin every `docker buildx` command fails (the fake does too);
// `--secret id=,src=|env=`, `--ssh id=socket`, `--iidfile` and `--build-arg NAME` behave as for
// `docker build`. Not modelled by the fake: with a non-`docker` driver (docker-container,
// kubernetes, remote) the image is not loaded into the daemon without `--load`, so `docker save`
// of the id fails and the post-build audit fails closed (AuditError) instead of passing; such a
// build's --iidfile may hold a manifest digest rather than the daemon's image id, and is empty for
// a multi-platform build that is not pushed (the audit then reports "no image id", fail closed).
runAdapterConformance({ create: dockerBuildxAdapter, fake: 'docker', answeringEnv: { FAKE_BUILDX: '1', FAKE_SERVER: '27.3.1' } });
runAdapterConformance({ create: dockerBuildkitAdapter, fake: 'docker', answeringEnv: { FAKE_SERVER: '20.10.24' } });
runAdapterConformance({ create: dockerClassicAdapter, fake: 'docker', answeringEnv: { FAKE_SERVER: '20.10.24' } });
runAdapterConformance({ create: podmanAdapter, fake: 'podman' });
runAdapterConformance({ create: buildahAdapter, fake: 'buildah' });
