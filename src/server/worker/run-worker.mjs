// Worker-thread entry for a run: loads the TypeScript sources through tsx (as bin/rollcell.js does),
// then the worker proper. Kept in .mjs so that a plain `node` worker can start it.
import { register } from 'tsx/esm/api';

register();
await import('./run-worker.ts');
