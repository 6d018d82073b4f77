/**
 * `rollcell cycle`: runs an experiment (or a measured current profile) on one cell — a BPX cell with the
 * liquid DFN/SPMe/SPM, or the cell a recipe's line produces with the solid-state P2D/SPMe/SPM.
 * Writes Battery Data Format CSV (current positive on charge).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseBpxText } from '../electrochem/bpx.ts';
import { createLiquidModel } from '../electrochem/liquid/index.ts';
import { parseProfileCsv } from '../electrochem/liquid/profile-csv.ts';
import { simulateCurrentProfile } from '../electrochem/liquid/simulate.ts';
import type { FullCellModel } from '../electrochem/model.ts';
import { runExperiment, toBdfCsv, firstCycleSummary, ExperimentParseError, parseExperiment, formatParseError } from '../cycler/index.ts';
import { buildCellModel } from '../pipeline.ts';
import { InputError, inputError, loadRecipe } from './main.ts';
import { kv } from './table.ts';

export interface CycleOptions {
  cell: string;
  model: string;
  experiment?: string[];
  currentProfile?: string;
  csv?: string;
  json?: boolean;
}

const BPX_MODELS = ['dfn', 'spme', 'spm'] as const;
const SSB_MODELS = ['p2d', 'spme', 'spm'] as const;

function readText(path: string, field: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw inputError(field, 'file not found or not readable', JSON.stringify(path), 'an existing, readable file');
  }
}

/** The model for `--cell` and `--model`, or an InputError. */
export function cellModelFor(cell: string, model: string): { model: FullCellModel; kind: 'bpx' | 'recipe'; chargeCutoff_V: number; dischargeCutoff_V: number } {
  if (/\.json$/i.test(cell)) {
    if (!(BPX_MODELS as readonly string[]).includes(model)) throw inputError('--model', 'not a model for a BPX (liquid-electrolyte) cell', JSON.stringify(model), BPX_MODELS.join(', '));
    let params;
    try {
      params = parseBpxText(readText(cell, '--cell'), cell);
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError([`--cell: ${(e as Error).message}`]);
    }
    const m = createLiquidModel(params, { model: model as (typeof BPX_MODELS)[number] });
    const p = params as unknown as { cell?: { upperVoltageCutoff_V?: number; lowerVoltageCutoff_V?: number } };
    return { model: m, kind: 'bpx', chargeCutoff_V: p.cell?.upperVoltageCutoff_V ?? 4.2, dischargeCutoff_V: p.cell?.lowerVoltageCutoff_V ?? 2.5 };
  }
  if (!(SSB_MODELS as readonly string[]).includes(model)) throw inputError('--model', 'not a model for the solid-state cell of a recipe', JSON.stringify(model), SSB_MODELS.join(', '));
  const { recipe } = loadRecipe(cell);
  const m = buildCellModel(recipe, model as (typeof SSB_MODELS)[number]);
  return { model: m, kind: 'recipe', chargeCutoff_V: recipe.cycling.charge_cutoff_V, dischargeCutoff_V: recipe.cycling.discharge_cutoff_V };
}

export function cycleCommand(o: CycleOptions, out: (s: string) => void): void {
  const { model, chargeCutoff_V, dischargeCutoff_V } = cellModelFor(o.cell, o.model);
  if (o.currentProfile) {
    if (o.experiment?.length) throw inputError('--experiment', 'give either experiment steps or a current profile, not both', `${o.experiment.length} step(s)`, '--experiment … or --current-profile <csv>');
    let profile;
    try {
      profile = parseProfileCsv(readText(o.currentProfile, '--current-profile'), o.currentProfile);
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError([`--current-profile: ${(e as Error).message}`]);
    }
    const s = simulateCurrentProfile(model, profile);
    const rows = ['Test Time / s,Voltage / V,Current / A,Cycle Count / 1,Step Count / 1,Charging Capacity / Ah,Discharging Capacity / Ah'];
    let qc = 0;
    let qd = 0;
    for (let i = 0; i < s.t_s.length; i++) {
      if (i > 0) {
        const dq = (0.5 * (s.I_A[i]! + s.I_A[i - 1]!) * (s.t_s[i]! - s.t_s[i - 1]!)) / 3600;
        if (dq > 0) qc += dq;
        else qd -= dq;
      }
      rows.push(`${s.t_s[i]},${s.V[i]},${s.I_A[i]},1,1,${qc},${qd}`);
    }
    if (o.csv) writeFileSync(o.csv, rows.join('\n') + '\n');
    let rmse: number | undefined;
    if (profile.U_V) {
      // measured voltage interpolated at the model's times
      let se = 0;
      let n = 0;
      let j = 0;
      for (let i = 0; i < s.t_s.length; i++) {
        const t = s.t_s[i]!;
        while (j < profile.t_s.length - 2 && profile.t_s[j + 1]! < t) j++;
        const t0 = profile.t_s[j]!;
        const t1 = profile.t_s[j + 1] ?? t0;
        const w = t1 > t0 ? Math.min(1, Math.max(0, (t - t0) / (t1 - t0))) : 0;
        const u = profile.U_V[j]! * (1 - w) + (profile.U_V[j + 1] ?? profile.U_V[j]!) * w;
        se += (s.V[i]! - u) ** 2;
        n++;
      }
      rmse = Math.sqrt(se / Math.max(1, n));
    }
    const summary = {
      model: model.name,
      status: s.status,
      duration_s: s.t_s[s.t_s.length - 1] ?? 0,
      points: s.t_s.length,
      charge_Ah: qc,
      discharge_Ah: qd,
      ...(rmse !== undefined ? { voltage_rmse_mV: rmse * 1000 } : {}),
      ...(o.csv ? { csv: o.csv } : {}),
    };
    out(o.json ? JSON.stringify(summary, null, 2) : kv(Object.entries(summary).map(([k, v]) => [k, v as number | string])));
    return;
  }
  const steps = o.experiment?.length ? o.experiment : undefined;
  if (steps) {
    const parsed = parseExperiment(steps);
    if (!parsed.ok) throw new InputError(parsed.errors.map((e) => `--experiment ${formatParseError(e)}`));
  }
  let result;
  try {
    result = runExperiment(
      model,
      steps ?? [[`Charge at 0.1C until ${chargeCutoff_V} V`, `Hold at ${chargeCutoff_V} V until 0.02C`, `Discharge at 0.1C until ${dischargeCutoff_V} V`]],
      steps ? {} : { initialSoc: 0 },
    );
  } catch (e) {
    if (e instanceof ExperimentParseError) throw new InputError((e as ExperimentParseError).message.split('\n').map((l) => `--experiment: ${l}`));
    throw e;
  }
  if (o.csv) writeFileSync(o.csv, toBdfCsv(result));
  const fc = firstCycleSummary(result);
  const summary = { model: model.name, status: result.status, ...(result.reason ? { reason: result.reason } : {}), ...fc, steps: result.steps.length, ...(o.csv ? { csv: o.csv } : {}) };
  out(o.json ? JSON.stringify(summary, null, 2) : kv(Object.entries(summary).filter(([, v]) => typeof v !== 'object').map(([k, v]) => [k, v as number | string])));
}
