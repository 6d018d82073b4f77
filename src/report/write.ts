/** The report's writer: the only file of report/ that touches the file system. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Write the report to `<dir>/<runId>.html` (creating dir) and return the file's absolute path. */
export function writeReport(dir: string, runId: string, html: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(runId) || runId.includes('..'))
    throw new Error(
      `runId: must be 1–128 characters of letters, digits, '.', '_' or '-' starting with a letter or digit (got ${JSON.stringify(runId)})`,
    );
  mkdirSync(dir, { recursive: true });
  const path = resolve(join(dir, `${runId}.html`));
  writeFileSync(path, html, 'utf8');
  return path;
}
