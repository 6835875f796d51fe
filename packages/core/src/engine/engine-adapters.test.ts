import { buildahAdapter, podmanAdapter } from './adapters/containers-adapters.js';
import { dockerBuildkitAdapter, dockerBuildxAdapter, dockerClassicAdapter } from './adapters/docker-adapters.js';
import { runAdapterConformance } from './__fixtures__/adapter-conformance.js';

// Every adapter keeps the same contract; each engine's real behaviour is proven in test/e2e/engines.
runAdapterConformance({ create: dockerBuildxAdapter, fake: 'docker', answeringEnv: { FAKE_BUILDX: '1', FAKE_SERVER: '27.3.1' } });
runAdapterConformance({ create: dockerBuildkitAdapter, fake: 'docker', answeringEnv: { FAKE_SERVER: '20.10.24' } });
runAdapterConformance({ create: dockerClassicAdapter, fake: 'docker', answeringEnv: { FAKE_SERVER: '20.10.24' } });
runAdapterConformance({ create: podmanAdapter, fake: 'podman' });
runAdapterConformance({ create: buildahAdapter, fake: 'buildah' });
