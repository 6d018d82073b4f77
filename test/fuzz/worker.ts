/**
 * A fuzz worker process: takes `{ id, family, seed, index, dir }` messages over IPC, runs the case
 * in-process (./cases.ts) and answers `{ id, outcome, detail }`. The runner kills it when a case runs
 * past its time (a hang) and sees its death as a crash (V8 out of memory, a native abort).
 */
import { runCase, type InProcessFamily } from './cases.ts';

interface Msg {
  id: number;
  family: InProcessFamily;
  seed: number;
  index: number;
  dir: string;
}

// rollcell prints nothing on its own; a stray unhandled rejection or error event is a crash of the case
process.on('unhandledRejection', (e) => {
  process.stderr.write(`unhandled rejection: ${String(e)}\n`);
  process.exit(70);
});

process.on('message', (m: Msg) => {
  void (async () => {
    try {
      const r = await runCase(m.family, m.seed, m.index, m.dir);
      process.send!({ id: m.id, ...r });
    } catch (e) {
      process.send!({ id: m.id, outcome: 'internal', detail: `the case itself threw: ${String(e).slice(0, 300)}` });
    }
  })();
});
process.send!({ ready: true });
