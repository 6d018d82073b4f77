// Shared by scripts/build-web.mjs and src/server/web-build.ts: the dashboard sources' hash and the build.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB = fileURLToPath(new URL('../web/', import.meta.url));
export const DIST = join(WEB, 'dist');
const STAMP = join(DIST, '.stamp');

function files(dir) {
  const out = [];
  for (const n of readdirSync(dir).sort()) {
    if (n === 'dist' || n === 'node_modules') continue;
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else out.push(p);
  }
  return out;
}

export function sourceHash() {
  const h = createHash('sha256');
  for (const f of files(WEB)) {
    h.update(f.slice(WEB.length));
    h.update(readFileSync(f));
  }
  return h.digest('hex');
}

export function webStale() {
  if (!existsSync(join(DIST, 'index.html')) || !existsSync(STAMP)) return true;
  return readFileSync(STAMP, 'utf8').trim() !== sourceHash();
}

export async function buildWeb() {
  const { build } = await import('vite');
  await build({ configFile: join(WEB, 'vite.config.mjs'), root: WEB, logLevel: 'warn' });
  writeFileSync(STAMP, sourceHash() + '\n');
}
