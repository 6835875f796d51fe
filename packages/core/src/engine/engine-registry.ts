import { buildahAdapter, podmanAdapter } from './adapters/containers-adapters.js';
import { dockerBuildkitAdapter, dockerBuildxAdapter, dockerClassicAdapter } from './adapters/docker-adapters.js';
import type { EngineAdapter, EngineName } from './engine-adapter.js';

/** The binaries the adapters call. */
export interface EngineBinaries {
  /** The docker binary (see `resolveDockerBinary`). */
  readonly docker: string;
  /** The podman binary (default `podman`, or `BUILDSECRETS_PODMAN`). */
  readonly podman?: string;
  /** The buildah binary (default `buildah`, or `BUILDSECRETS_BUILDAH`). */
  readonly buildah?: string;
}

/** The adapter for `name`, calling the given binaries. */
export function engineAdapter(name: EngineName, binaries: EngineBinaries): EngineAdapter {
  switch (name) {
    case 'docker-buildx':
      return dockerBuildxAdapter(binaries.docker);
    case 'docker-buildkit':
      return dockerBuildkitAdapter(binaries.docker);
    case 'docker-classic':
      return dockerClassicAdapter(binaries.docker);
    case 'podman':
      return podmanAdapter(binaries.podman ?? 'podman');
    case 'buildah':
      return buildahAdapter(binaries.buildah ?? 'buildah');
  }
}

/** The binaries from the run's environment: `BUILDSECRETS_PODMAN` / `BUILDSECRETS_BUILDAH` override the names on PATH. */
export function engineBinaries(docker: string, env: Readonly<Record<string, string | undefined>>): EngineBinaries {
  return { docker, podman: env['BUILDSECRETS_PODMAN'] || 'podman', buildah: env['BUILDSECRETS_BUILDAH'] || 'buildah' };
}
