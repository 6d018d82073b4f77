/**
 * Fixtures for the claim chart and report tests: example recipes, and a synthetic but CONSISTENT line
 * result built from the design's layer stack (each station thins its layers by a stated fraction, layer
 * thickness in = the previous station's out, the anode = Li + Al after 240). It stands in for the line
 * model's result; the numbers are chosen, not simulated, and the tests only rely on their consistency.
 * The same numbers give the typed SI line result the claims are evaluated on (`syntheticInputs`) and the
 * line block the report draws (`syntheticOutput`, whose claims block is the chart of those inputs).
 */
import { evaluateClaims, type ClaimInputs, type CyclingClaimInputs } from '../../src/claims/index.ts';
import { presentClaims } from '../../src/present/claims.ts';
import { readFileSync } from 'node:fs';
import { parseRecipeText } from '../../src/recipe/parse.ts';
import type { Recipe } from '../../src/recipe/schema.ts';
import type {
  ClaimResult,
  CyclingBlock,
  LineBlock,
  RunOutput,
  StationBlock,
  StationLayer,
} from '../../src/contract.ts';
import type { LineResult, StationResult } from '../../src/process/types.ts';
import { runJob } from '../../src/pipeline.ts';

export function loadExample(name: string): Recipe {
  const text = readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8');
  const r = parseRecipeText(text);
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.problems)}`);
  return r.recipe;
}

export interface SyntheticOptions {
  /** fractional thickness reduction of every layer in the nip of each station */
  reduction?: Partial<Record<'222' | '236' | '240', number>>;
  bonded?: Partial<Record<'222' | '236' | '240', boolean>>;
  force240_N?: number;
  alFractions?: LineBlock['anode']['al_fractions'];
  crack?: { sandwiched: number; free_standing: number };
  /** what the claims take of the cycling (default: 182 mAh/g, 1C, 3 cycles); null: no cycling results */
  cycling?: CyclingClaimInputs | null;
}

/** the claims' view of the synthetic cycling: 182 mAh/g, the highest C-rate 1C, three cycles */
export const SYNTHETIC_CYCLING: CyclingClaimInputs = {
  dischargeCapacity_mAh_g: 182,
  firstCycleBand: null,
  rate: {
    highestCRate: 1,
    band: { low: 0.8, high: 1.2, verdict: { verdict: 'met', dependsOn: [], text: 'met over the band' } },
  },
  ageing: { cycles: 3, retention: 0.99, band: null, validityFlags: [] },
};

/** The synthetic run: its output (line block, claims block) and the typed inputs its claims come from. */
export function synthetic(recipe: Recipe, o: SyntheticOptions = {}): { output: RunOutput; inputs: ClaimInputs } {
  const job = runJob(recipe, { runId: 'test-run' });
  const { output, design } = job;
  const red = { '222': 0.02, '236': 0.03, '240': 0.05, ...o.reduction };
  const um = (m: number): number => m * 1e6;
  // current thickness by design-layer name
  const t = new Map(design.layers.map((l) => [l.name, um(l.thickness_m)]));
  const roleOf = new Map(design.layers.map((l) => [l.name, l.role]));
  const firstSheet = design.layers.filter((l) => /208|202|206/.test(l.name)).map((l) => l.name);
  const al = design.layers.filter((l) => /224/.test(l.name)).map((l) => l.name);
  const third = design.layers.filter((l) => /232|234/.test(l.name)).map((l) => l.name);
  const inNip: Record<'222' | '236' | '240', string[]> = {
    '222': firstSheet,
    '236': [...firstSheet, ...al],
    '240': [...firstSheet, ...al, ...third],
  };
  const stations: StationBlock[] = (['222', '236', '240'] as const).map((id) => {
    const layers: StationLayer[] = inNip[id].map((name) => {
      const tin = t.get(name)!;
      const tout = tin * (1 - red[id]);
      t.set(name, tout);
      return { name, role: roleOf.get(name)!, thickness_in_um: tin, thickness_out_um: tout };
    });
    const s = recipe.stations[id]!;
    const force = id === '240' && o.force240_N !== undefined ? o.force240_N : s.force_N;
    return {
      id,
      force_N: force,
      temperature_C: s.temperature_C,
      peak_pressure_MPa: 40,
      bonded: o.bonded?.[id] ?? true,
      layers,
    };
  });
  const anodeT = [...al, ...third.filter((n) => /232/.test(n))].reduce((s, n) => s + t.get(n)!, 0);
  const line: LineBlock = {
    stations,
    anode: {
      thickness_um: anodeT,
      li_diffusivity_cm2_s: 1e-9,
      alloying_complete_s: 600,
      free_li_um: 5,
      al_fractions: o.alFractions ?? { Al: 0, LiAl: 1, Li3Al2: 0, Li9Al4: 0 },
    },
    crack: {
      sandwiched: { risk: o.crack?.sandwiched ?? 0.05 },
      free_standing: { risk: o.crack?.free_standing ?? 0.6 },
    },
  };
  const cycling: CyclingBlock | undefined =
    o.cycling === null
      ? undefined
      : {
          charge_capacity_mAh_g: 205,
          discharge_capacity_mAh_g: 182,
          coulombic_efficiency: 0.888,
          volume_expansion_rate_pct: 1.2,
          cycles: 3,
          max_c_rate: 1,
        };
  const res: RunOutput = { ...output, line };
  if (cycling) res.cycling = cycling;
  else delete res.cycling;
  // the same synthetic line as a typed SI result: the real line's stations with the synthetic layers,
  // bonds, force, anode and crack ratios
  const si = job.process;
  const toM = (x_um: number): number => x_um * 1e-6;
  const siStations: StationResult[] = si.stations.map((s0) => {
    const b = stations.find((x) => x.id === s0.id)!;
    const layers = b.layers.map((l) => {
      const real = s0.roll.layers.find((x) => x.name === l.name) ?? s0.roll.layers.find((x) => x.role === l.role)!;
      const tin = toM(l.thickness_in_um);
      const tout = toM(l.thickness_out_um);
      return {
        ...real,
        name: l.name,
        role: l.role!,
        thickness_in_m: tin,
        thickness_out_m: tout,
        reduction: (tin - tout) / tin,
      };
    });
    return { ...s0, force_N: b.force_N, roll: { ...s0.roll, layers }, bond: { ...s0.bond, bonded: b.bonded } };
  });
  const ratio = (x: number, c: LineResult['crack']['sandwiched']): LineResult['crack']['sandwiched'] => ({
    ...c,
    risk: x,
    ratio: x,
  });
  const siLine: LineResult = {
    ...si,
    stations: siStations,
    anode: { ...si.anode, thickness_m: toM(line.anode.thickness_um), alFractions: { ...line.anode.al_fractions } },
    crack: {
      sandwiched: ratio(line.crack.sandwiched.risk, si.crack.sandwiched),
      free_standing: ratio(line.crack.free_standing.risk, si.crack.free_standing),
    },
  };
  const inputs: ClaimInputs = {
    ...job.claimInputs,
    line: siLine,
    cycling: o.cycling === null ? null : (o.cycling ?? SYNTHETIC_CYCLING),
  };
  // the pipeline's claim chart was computed without these synthetic results: compute it again
  res.claims = claimsOf(inputs);
  return { output: res, inputs };
}

/** The synthetic run's output: the synthetic line block, and the claims block of the synthetic inputs. */
export function syntheticOutput(recipe: Recipe, o: SyntheticOptions = {}): RunOutput {
  return synthetic(recipe, o).output;
}

/** The typed inputs of the synthetic run's claims. */
export function syntheticInputs(recipe: Recipe, o: SyntheticOptions = {}): ClaimInputs {
  return synthetic(recipe, o).inputs;
}

/** The contract's claims block of typed inputs (the job's evaluation and presenter). */
export function claimsOf(inputs: ClaimInputs): ClaimResult[] {
  return presentClaims(evaluateClaims(inputs), inputs);
}
