import { z } from '@buildsecrets/core';

const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

/**
 * Options of the `gcp` provider. Everything is optional: by default the client uses Application
 * Default Credentials exactly as gcloud-authenticated tools do (GOOGLE_APPLICATION_CREDENTIALS,
 * `gcloud auth application-default login`, the metadata server, workload identity).
 */
export const gcpOptionsSchema = z
  .object({
    projectId: z.string().regex(/^(?:[a-z][a-z0-9-]{4,28}[a-z0-9]|\d{1,20}|[a-z0-9.-]+:[a-z][a-z0-9-]{4,28}[a-z0-9])$/, 'must be a Google Cloud project id or number').optional()
      .describe('Project for short secret names (default: the ADC project, GOOGLE_CLOUD_PROJECT, gcloud config).'),
    location: z.string().regex(/^[a-z]+(?:-[a-z0-9]+)+$/, 'must be a Google Cloud location such as europe-west1').optional()
      .describe('Use regional secrets in this location, through secretmanager.<location>.rep.googleapis.com.'),
    apiEndpoint: z.string().regex(/^[A-Za-z0-9.:[\]-]{1,253}$/, 'must be a host name').optional()
      .describe('API host (default secretmanager.googleapis.com, or the regional endpoint with `location`).'),
    keyFilename: z.string().min(1).optional()
      .describe('Service account key file, relative to the config file (default: Application Default Credentials).'),
    port: z.number().int().min(1).max(65535).optional()
      .describe('API port (default 443). For local test servers.'),
    insecure: z.boolean().optional()
      .describe('Plain-text gRPC without credentials, for a local test server only; refused unless apiEndpoint is loopback.'),
  })
  .strict()
  .refine((o) => !o.insecure || (o.apiEndpoint !== undefined && LOOPBACK.has(o.apiEndpoint)), {
    path: ['insecure'],
    message: 'insecure is only allowed with apiEndpoint 127.0.0.1, ::1 or localhost (it sends no credentials and no encryption)',
  });

/** Parsed options of the `gcp` provider. */
export type GcpProviderOptions = z.output<typeof gcpOptionsSchema>;
