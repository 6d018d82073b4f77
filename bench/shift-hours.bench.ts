/**
 * `node --import tsx bench/shift-hours.bench.ts`: the cost of a production hour of bench:shift's line (the
 * example's recipe at 12 m/min, full fidelity, SPMe capacity calibration) as the difference of a 1-hour and a
 * 3-hour run — start-up (imports, JIT warm-up, the run's expansion of the alloying history, the first hour's
 * speed ramp) and the run's summary cancel out. Prints `name: value unit` lines. Never part of `npm test`.
 *
 * Each run is a child process (`--run <seconds>`: 300 station-physics calls of warm-up, as bench:shift has,
 * then the production run). With valgrind on the PATH the figure is the instruction count (cachegrind, V8
 * `--single-threaded` so that no background JIT or GC thread makes the counts vary; repeats agree to ≈ 0.3 %);
 * without it, or with `--cpu`, the children's CPU time (user + system, `--single-threaded` as well), which the
 * host's load moves by several per cent: compare two trees interleaved.
 * Options: `--hours a,b` (default 1,3), `--cpu`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const self = fileURLToPath(import.meta.url);
const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

if (opt('--run') !== undefined) await child(Number(opt('--run')));
else parent();

/** one production run of `seconds` (the child): prints its cells, the alloying counts and its own CPU time */
async function child(seconds: number): Promise<void> {
  const { parseRecipeText } = await import('../src/recipe/index.ts');
  const { runProduction } = await import('../src/process/line.ts');
  const { operatingConditions, processInputFromRecipe } = await import('../src/process/from-recipe.ts');
  const { stationPhysics } = await import('../src/process/production/stations-adapter.ts');
  const { nominalPerturbation, perturbInput } = await import('../src/process/production/physics.ts');
  const { ssbParamsFromProducedCell } = await import('../src/electrochem/ssb/params.ts');
  const { createSpme } = await import('../src/electrochem/ssb/spme.ts');
  const { fastRunner } = await import('../src/cycler/step-engines.ts');
  const { firstCycle } = await import('../src/cycler/protocols.ts');
  type Run = Parameters<typeof stationPhysics>[1];
  const obj = parse(readFileSync(new URL('../examples/patent-line.yaml', import.meta.url), 'utf8')) as Record<
    string,
    Record<string, unknown>
  >;
  obj['line'] = { ...obj['line'], speed_m_per_min: 12 };
  obj['production'] = { ...(obj['production'] ?? {}), fidelity: 'full' };
  const pr = parseRecipeText(JSON.stringify(obj));
  if (!pr.ok) throw new Error(pr.problems.map((p) => `${p.path}: ${p.problem}`).join('\n'));
  const conditions = operatingConditions(pr.recipe);
  const base = processInputFromRecipe(pr.recipe);
  const nom = nominalPerturbation(base);
  for (let i = 0; i < 300; i++) stationPhysics(perturbInput(base, { ...nom, li: 1 + 1e-3 * (i % 7) })); // as bench:shift
  const c0 = process.cpuUsage();
  let lastRun: Run;
  const run = runProduction(pr.recipe, {
    seed: 2025,
    duration_s: seconds,
    physics: (inp, r) => ((lastRun = r), stationPhysics(inp, r)),
    capacityModel: (cell) => {
      const m = createSpme(ssbParamsFromProducedCell(cell, conditions));
      return firstCycle(fastRunner(m), m, m.initialState(0), 4.3, 3.0).discharge_C;
    },
  });
  const cpu = process.cpuUsage(c0);
  const counts = lastRun?.alloy?.counts;
  console.log(`cells: ${run.cells.length}`);
  console.log(`alloy_expanded: ${counts?.expanded ?? 0}`);
  console.log(`alloy_solved: ${counts?.solved ?? 0}`);
  console.log(`run_cpu_s: ${((cpu.user + cpu.system) / 1e6).toFixed(3)}`);
}

function parent(): void {
  const [h1, h2] = (opt('--hours') ?? '1,3').split(',').map(Number) as [number, number];
  if (!(h1 >= 0 && h2 > h1)) throw new Error(`--hours: two hours a,b with 0 ≤ a < b (got ${opt('--hours')})`);
  const valgrind = !argv.includes('--cpu') && spawnSync('valgrind', ['--version']).status === 0;
  const node = [process.execPath, '--single-threaded', '--import', 'tsx', self];
  const one = (hours: number): Record<string, number> => {
    const out = join(tmpdir(), `shift-hours-${process.pid}-${hours}.cg`);
    const cmd = valgrind
      ? ['valgrind', '--tool=cachegrind', '--cache-sim=no', `--cachegrind-out-file=${out}`, ...node]
      : node;
    const r = spawnSync(cmd[0]!, [...cmd.slice(1), '--run', String(hours * 3600)], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    rmSync(out, { force: true });
    if (r.status !== 0) throw new Error(`the ${hours}-hour run failed:\n${r.stderr}`);
    const v: Record<string, number> = {};
    for (const m of r.stdout.matchAll(/^(\w+): ([\d.]+)$/gm)) v[m[1]!] = Number(m[2]);
    const refs = /I\s+refs:\s+([\d,]+)/.exec(r.stderr);
    if (valgrind) {
      if (!refs) throw new Error(`no instruction count from cachegrind:\n${r.stderr}`);
      v['instructions'] = Number(refs[1]!.replaceAll(',', ''));
    }
    return v;
  };
  const a = one(h1);
  const b = one(h2);
  const per = (k: string): number => (b[k]! - a[k]!) / (h2 - h1);
  console.log(`shift_hours_span: ${h1}-${h2} h`);
  console.log(`shift_hours_cells_per_hour: ${per('cells').toFixed(0)} cells`);
  console.log(`shift_hours_alloy_expanded_per_hour: ${per('alloy_expanded').toFixed(1)} cells`);
  console.log(`shift_hours_alloy_solved_per_hour: ${per('alloy_solved').toFixed(1)} cells`);
  console.log(`shift_hours_alloy_solved_first_${h1}h: ${a['alloy_solved']} cells`);
  if (valgrind) {
    console.log(`shift_hours_instructions_per_hour: ${(per('instructions') / 1e9).toFixed(3)} G`);
    console.log(`shift_hours_instructions_startup_and_first_${h1}h: ${(a['instructions']! / 1e9).toFixed(3)} G`);
  }
  console.log(`shift_hours_cpu_per_hour: ${per('run_cpu_s').toFixed(3)} s`);
}
