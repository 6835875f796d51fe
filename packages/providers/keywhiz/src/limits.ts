/** BuildKit refuses secrets larger than 500 KiB, so a larger one could never reach the build anyway. */
export const MAX_SECRET_BYTES = 500 * 1024;
