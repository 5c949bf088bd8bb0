import { fileURLToPath } from 'node:url';

/**
 * The built command, as users run it: end-to-end tests exercise `bin/governor` (dist/, compiled
 * by `make build`, which `make test` runs first), not the TypeScript sources.
 */
export const GOVERNOR_BIN = fileURLToPath(new URL('../../bin/governor', import.meta.url));
