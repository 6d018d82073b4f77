import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { main } from '../src/cli/main.ts';

export const PATENT_YAML = readFileSync(new URL('../examples/patent-line.yaml', import.meta.url), 'utf8');
export const patentObject = (): Record<string, any> => parse(PATENT_YAML) as Record<string, any>;

/** Runs the CLI in-process; returns exit code, stdout and stderr. */
export async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const origErr = process.stderr.write.bind(process.stderr);
  (process.stderr as unknown as { write: (s: string) => boolean }).write = (s: string) => {
    stderr += s;
    return true;
  };
  try {
    const code = await main(args, (s) => {
      stdout += s + '\n';
    });
    return { code, stdout, stderr };
  } finally {
    (process.stderr as unknown as { write: typeof origErr }).write = origErr;
  }
}
