// Worker-thread entry of test/data/handed.test.ts: the TypeScript body through tsx (as src/cli/job-worker.mjs).
const { register } = await import('tsx/esm/api');
register();
await import('./handed-worker-body.ts');
