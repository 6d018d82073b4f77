// Worker-thread entry of bench/worker-data.bench.ts: the TypeScript body through tsx (as src/cli/job-worker.mjs).
const { register } = await import('tsx/esm/api');
register();
await import('./worker-data-child.ts');
