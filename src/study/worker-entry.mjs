// Entry of a study worker thread: loads the TypeScript sources through tsx (as bin/rollcell.js does)
// and hands piscina the batch function.
import { register } from 'tsx/esm/api';

register();
const { evaluateBatch } = await import('./worker.ts');
export default evaluateBatch;
