/**
 * The build args that carry the served-file server's URL and token. In a module of their own so
 * `plan` (which checks the Dockerfile declares them) loads no HTTP server or crypto code.
 */
export const SERVED_FILE_BUILD_ARGS = { url: 'BUILDSECRETS_URL', token: 'BUILDSECRETS_TOKEN' } as const;
