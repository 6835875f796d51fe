import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parse, stringify } from 'yaml';
import { afterAll, expect, it } from 'vitest';
import type { BuildSecrets } from '@buildsecrets/core';
import { BASE_IMAGE, DOCKER_BIN, E2E_BUILD_ARGS, E2E_ENV, describeE2E, docker } from '../e2e/support/engine.js';
import { scanImage } from '../e2e/support/scan-image.js';

/** The `providers` section of an example's buildsecrets.yaml, as parsed. */
export type ExampleProviders = Record<string, { use: string; options?: Record<string, unknown> }>;

/**
 * Copy an example into `workDir`: its own buildsecrets.yaml with only connection options changed by
 * `pointAtTestServers` (the secrets section is used exactly as written) and its Dockerfile.
 * Returns the path of the config written.
 */
export async function copyExampleForTestServers(exampleDir: string, workDir: string, pointAtTestServers: (providers: ExampleProviders) => void): Promise<string> {
  const config = parse(await readFile(join(exampleDir, 'buildsecrets.yaml'), 'utf8')) as { providers: ExampleProviders };
  pointAtTestServers(config.providers);
  const path = join(workDir, 'buildsecrets.yaml');
  await writeFile(path, stringify(config));
  await copyFile(join(exampleDir, 'Dockerfile'), join(workDir, 'Dockerfile'));
  return path;
}

/** What {@link describeExampleBuild} needs of one example test. */
export interface ExampleBuild {
  /** Open the example's BuildSecrets with these extra environment variables. */
  open(env: Record<string, string>): Promise<BuildSecrets>;
  /** The build context (where the Dockerfile was copied). */
  context(): string;
  /** What the built image prints when every secret reached its RUN step. */
  readonly prints: string;
  /** Secret id → value: none may be found in the image. */
  values(): Record<string, string>;
  /** Where the build's output goes (the example's own log check reads it). */
  readonly logs: string[];
}

/**
 * The BuildKit half of an example's test: build its Dockerfile with every secret mounted, run the
 * image (which proves the values arrived), and scan every layer and the config for the values.
 */
export function describeExampleBuild(name: string, example: ExampleBuild): void {
  describeE2E(`examples/${name} on a real BuildKit`, () => {
    const image = `bs-example-${name}:${process.pid}`;
    afterAll(async () => {
      await docker(['rmi', '-f', image]).catch(() => undefined);
    });

    it('builds the Dockerfile with all three secrets mounted, and the image holds none of them', async () => {
      const bs = await example.open({ ...(process.env as Record<string, string>), ...E2E_ENV });
      const output = new PassThrough();
      output.on('data', (c: Buffer) => void example.logs.push(c.toString('utf8')));
      try {
        const result = await bs.build({
          context: example.context(),
          docker: DOCKER_BIN,
          engineArgs: [...E2E_BUILD_ARGS, '--no-cache', '-t', image, '--build-arg', `BASE=${BASE_IMAGE}`],
          output,
        });
        expect(result.exitCode).toBe(0);
        expect(await docker(['run', '--rm', '--network=none', image])).toContain(example.prints);
        expect(await scanImage(image, example.values())).toEqual([]);
      } finally {
        await bs.dispose();
      }
    }, 180_000);
  });
}
