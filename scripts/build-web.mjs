// Builds the dashboard (web/ → web/dist) with Vite + Svelte. Runs at install (`prepare`), and on demand
// from `rollcell serve` and the browser tests when the sources changed since the last build (a stamp
// with the sources' hash is kept in web/dist/.stamp). Usage: node scripts/build-web.mjs [--if-stale]
import { buildWeb, webStale } from './web-build-lib.mjs';

const ifStale = process.argv.includes('--if-stale');
if (ifStale && !webStale()) process.exit(0);
const t0 = Date.now();
await buildWeb();
console.log(`web: built web/dist in ${Date.now() - t0} ms`);
