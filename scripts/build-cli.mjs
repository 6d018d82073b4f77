// Builds the prebuilt CLI bundle (dist/cli/, see scripts/cli-bundle.mjs). Runs at install (`prepare`) and
// before `npm test`; bin/rollcell.js also rebuilds it itself when a source changed.
// Usage: node scripts/build-cli.mjs [--if-stale]
import { buildCli, cliStale } from './cli-bundle.mjs';

if (process.argv.includes('--if-stale') && !cliStale()) process.exit(0);
const t0 = Date.now();
await buildCli();
console.log(`cli: built dist/cli in ${Date.now() - t0} ms`);
