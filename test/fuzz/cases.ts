/**
 * The in-process cases of the fault and fuzz suite: each takes (seed, index), builds its input with
 * ./generate.ts and runs it through rollcell the way a user would (the CLI's `main`, in this process),
 * and classifies the outcome:
 * - `ok`: exit 0 with a sound result;
 * - `handled`: exit 2 with every message in the contract's form `<path>: <problem> (got …; allowed …)`
 *   naming no internal path;
 * - `internal`: exit 1, an exception that escaped, a message out of form, or a non-finite number in a
 *   result. (Crashes, hangs and data loss are seen by the runner, which owns the processes.)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ProblemError } from '../../src/problems.ts';
import { parseBdfCsv, parseDriveCycleCsv } from '../../src/cycler/bdf.ts';
import { parseProfileCsv as parseCurrentProfile, ProfileCsvError } from '../../src/electrochem/liquid/profile-csv.ts';
import {
  parseProfileCsv as parseDutyProfile,
  binAverage,
  ProfileCsvError as DutyCsvError,
} from '../../src/battery/profiles.ts';
import { BpxError, parseBpxText } from '../../src/electrochem/bpx.ts';
import { parseExperiment } from '../../src/cycler/experiment.ts';
import { runExperiment } from '../../src/cycler/machine.ts';
import { EcmModel } from '../../src/cycler/ecm.ts';
import {
  FuzzRng,
  experimentSteps,
  exampleObject,
  mutatedBpx,
  mutatedCsv,
  mutatedRecipeText,
  validRecipe,
} from './generate.ts';
import { BPX_FIXTURE, cli } from '../helpers.ts';

export type Outcome = 'ok' | 'handled' | 'internal';
export interface CaseResult {
  outcome: Outcome;
  /** what happened, for the report (exit code, first message) */
  detail: string;
}

export const IN_PROCESS_FAMILIES = ['validate', 'run', 'csv', 'bpx', 'experiment'] as const;
export type InProcessFamily = (typeof IN_PROCESS_FAMILIES)[number];

/** an exit-2 message line in the contract's form, naming no internal (SI, model) path */
const FORM = /: .+ \(got .*; allowed .+\)/s;
const INTERNAL_PATH =
  /\b(stackPressure_Pa|anode\.x\b|conditions\.|nominalCapacity_C|line\.speed_m_s|line\.storage_s|initialSoc:|y0:|ecm\.)/;

export function messageProblems(stderr: string): string[] {
  const bad: string[] = [];
  for (const line of stderr.split('\n').filter((l) => l.trim() !== '')) {
    if (!FORM.test(line)) bad.push(`not in the contract's form: ${line.slice(0, 300)}`);
    else if (INTERNAL_PATH.test(line)) bad.push(`names an internal path: ${line.slice(0, 300)}`);
  }
  return bad;
}

function classifyCli(r: { code: number; stdout: string; stderr: string }): CaseResult {
  if (r.code === 0) {
    if (/(^|[^"\w])(NaN|Infinity)([^"\w]|$)/.test(r.stdout) && r.stdout.trim().startsWith('{'))
      return { outcome: 'internal', detail: 'exit 0 with a non-finite number in the JSON' };
    return { outcome: 'ok', detail: 'exit 0' };
  }
  if (r.code === 2) {
    const bad = messageProblems(r.stderr);
    if (bad.length) return { outcome: 'internal', detail: `exit 2 but ${bad[0]}` };
    return { outcome: 'handled', detail: `exit 2: ${r.stderr.split('\n')[0]!.slice(0, 200)}` };
  }
  return { outcome: 'internal', detail: `exit ${r.code}: ${r.stderr.trim().split('\n')[0]!.slice(0, 300)}` };
}

let fileCount = 0;
function tmpFile(dir: string, name: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  const f = join(dir, `${process.pid}-${fileCount++}-${name}`);
  writeFileSync(f, text);
  return f;
}

/** A cheap recipe for the CLI cases that need one (no ageing, no rate capability, a 2-cell pack). */
function cheapRecipe(dir: string): string {
  const r = exampleObject('patent-line.yaml');
  r.cycling = { ...(r.cycling ?? {}), ageing_cycles: 0, rate_capability: false };
  r.battery = { series: 2, parallel: 1, application: 'ev', extras: { years: 0 } };
  return tmpFile(dir, 'cheap.yaml', stringify(r));
}

function ecm(): EcmModel {
  return new EcmModel({
    capacity_C: 3600,
    ocvSoc: [0, 0.1, 0.5, 0.9, 1],
    ocvV: [3.0, 3.4, 3.7, 4.0, 4.2],
    R0_ohm: 0.05,
    R1_ohm: 0.02,
    tau1_s: 30,
  });
}

/** Runs one in-process case. `dir` holds its temporary files. */
export async function runCase(family: InProcessFamily, seed: number, index: number, dir: string): Promise<CaseResult> {
  const rng = new FuzzRng(seed, index + 7_000_000);
  switch (family) {
    case 'validate': {
      const f = tmpFile(dir, 'mutant.yaml', mutatedRecipeText(seed, index));
      return classifyCli(await cli(['validate', f]));
    }
    case 'run': {
      const v = validRecipe(seed, index);
      const f = tmpFile(dir, 'valid.yaml', v.text);
      // what validate refuses is refused alike by run (one validation): no need to run it
      const checked = classifyCli(await cli(['validate', f]));
      if (checked.outcome !== 'ok') return { ...checked, detail: `validate: ${checked.detail}` };
      const args = ['run', f, '--db', ':memory:', '--out', join(dir, 'out'), '--seed', String(index % 1000)];
      if (!(v.object.production && rng.chance(0.3))) args.push('--no-production');
      if (!(v.object.battery && rng.chance(0.2))) args.push('--no-battery');
      const r = classifyCli(await cli(args));
      // validate said ok: a refusal now is a late one (allowed when it names the user's field)
      return {
        ...r,
        detail: `${r.outcome === 'handled' ? 'late refusal: ' : ''}${r.detail} [changed ${v.changed.join(', ')}]`,
      };
    }
    case 'csv': {
      const { text, base } = mutatedCsv(seed, index);
      if (rng.chance(0.1)) {
        // through the CLI: the file options that read these formats
        const f = tmpFile(dir, 'm.csv', text);
        if (base === 3)
          return classifyCli(await cli(['battery', cheapRecipe(dir), '--profile', 'csv', '--profile-csv', f]));
        // the BPX cell's SPM with the CSV as a current profile, a drive cycle or a measurement to compare
        const cycle = async (...opts: string[]) =>
          classifyCli(await cli(['cycle', '--cell', BPX_FIXTURE, '--model', 'spm', ...opts]));
        if (base === 1) return cycle('--current-profile', f);
        if (base === 0) return cycle('--experiment', `Run drive cycle from ${f} as current`);
        return cycle('--experiment', 'Discharge at 1C for 3 minutes', '--compare', f);
      }
      // the four readers directly: an error value or their own error type, never anything else
      try {
        const b = parseBdfCsv(text);
        const d = parseDriveCycleCsv(text);
        // an empty cell is a missing value (NaN) by the BDF reader's design; ±Infinity never is
        if (b.ok && b.value.time_s.some((x) => x === Infinity || x === -Infinity))
          return { outcome: 'internal', detail: 'infinite BDF time' };
        if (d.ok && d.value.value.some((x) => !Number.isFinite(x)))
          return { outcome: 'internal', detail: 'non-finite drive cycle' };
        try {
          parseCurrentProfile(text, 'm.csv');
        } catch (e) {
          if (!(e instanceof ProfileCsvError) || messageProblems(e.message).length)
            return { outcome: 'internal', detail: `current profile: ${String(e)}` };
        }
        try {
          const t = parseDutyProfile(text, 'm.csv');
          const avg = binAverage(t, 1);
          if (avg.some((x) => !Number.isFinite(x)))
            return { outcome: 'internal', detail: 'non-finite duty profile average' };
        } catch (e) {
          if (!(e instanceof DutyCsvError || (e instanceof ProblemError && messageProblems(e.message).length === 0)))
            return { outcome: 'internal', detail: `duty profile: ${String(e)}` };
        }
        return { outcome: b.ok || d.ok ? 'ok' : 'handled', detail: 'readers' };
      } catch (e) {
        return { outcome: 'internal', detail: `reader threw: ${String(e)}` };
      }
    }
    case 'bpx': {
      const text = mutatedBpx(seed, index);
      if (rng.chance(0.08)) {
        const f = tmpFile(dir, 'm.json', text);
        return classifyCli(
          await cli(['cycle', '--cell', f, '--model', 'spm', '--experiment', 'Discharge at 1C until 2.7 V']),
        );
      }
      try {
        parseBpxText(text, 'm.json');
        return { outcome: 'ok', detail: 'parsed' };
      } catch (e) {
        if (e instanceof BpxError) return { outcome: 'handled', detail: e.message.slice(0, 200) };
        return { outcome: 'internal', detail: `BPX reader threw ${String(e)}` };
      }
    }
    case 'experiment': {
      const steps: unknown[] = experimentSteps(rng, 1 + rng.int(5));
      if (rng.chance(0.3))
        steps[rng.int(steps.length)] = rng.pick([
          'Frobnicate',
          'Charge at',
          'Rest for 1e308 s',
          'Hold at 4.2 V',
          'Discharge at 1C until 80% capacity',
          'Rest for 0 seconds',
          'Charge at 1C for -1 s',
        ]);
      if (rng.chance(0.2)) steps.splice(0, 0, { repeat: rng.pick([1, 2, 1e4, 1e5]), steps: ['Rest for 1 second'] });
      const p = parseExperiment(steps as never);
      if (!p.ok) {
        const bad = p.errors.filter((e) => typeof e.message !== 'string' || e.message === '');
        return bad.length
          ? { outcome: 'internal', detail: 'empty parse error' }
          : { outcome: 'handled', detail: p.errors[0]!.message.slice(0, 120) };
      }
      if (!rng.chance(0.3)) return { outcome: 'ok', detail: 'parsed' };
      try {
        const res = runExperiment(ecm(), p.value, { initialSoc: rng.next() });
        const s = res.series;
        for (const col of [s.time_s, s.voltage_V, s.current_A])
          if (col.some((x) => !Number.isFinite(x))) return { outcome: 'internal', detail: 'non-finite series' };
        return { outcome: 'ok', detail: `${res.status}${res.reason ? `: ${res.reason.slice(0, 80)}` : ''}` };
      } catch (e) {
        return { outcome: 'internal', detail: `runExperiment threw: ${String(e).slice(0, 300)}` };
      }
    }
  }
}
