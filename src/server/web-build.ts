/**
 * The dashboard is built at install (`npm ci` runs the `prepare` script) and rebuilt here when its
 * sources changed since (a stamp holds their hash), so `rollcell serve` never serves a stale page and a
 * developer never runs a separate build step. Nothing is downloaded: Vite and Svelte are dependencies.
 */
// @ts-expect-error -- a plain .mjs helper shared with scripts/build-web.mjs (no type declarations)
import { buildWeb, webStale } from '../../scripts/web-build-lib.mjs';

let building: Promise<{ ok: boolean; reason?: string }> | null = null;

export function ensureWebBuilt(o: { log?: (s: string) => void } = {}): Promise<{ ok: boolean; reason?: string }> {
  building ??= (async () => {
    try {
      if (!(webStale as () => boolean)()) return { ok: true };
      o.log?.('rollcell serve: building the dashboard (its sources changed since the last build) …');
      await (buildWeb as () => Promise<void>)();
      return { ok: true };
    } catch (e) {
      return { ok: false, reason: `build failed: ${(e as Error).message}` };
    }
  })();
  return building;
}
