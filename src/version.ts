import { readFileSync } from 'node:fs';
/** rollcell's version, from package.json. */
export const ROLLCELL_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
