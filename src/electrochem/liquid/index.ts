/**
 * Liquid-electrolyte Li-ion cell models (DFN, SPMe, SPM) built from BPX parameters (../bpx.ts),
 * drivers for measured current profiles and constant-current discharges, and the profile CSV reader.
 */
import { parseBpxText, type LiquidCellParams } from '../bpx.ts';
import { checkModelParams, type LiquidModelOptions } from './common.ts';
import { ProblemError } from '../../problems.ts';
import { DfnModel } from './dfn.ts';
import { SpmeModel } from './spme.ts';
import { BlendedSpmModel } from './blended.ts';

export { DfnModel } from './dfn.ts';
export { SpmeModel } from './spme.ts';
export { BlendedSpmModel } from './blended.ts';
export * from './common.ts';
export * from './profile-csv.ts';

export type LiquidModel = DfnModel | SpmeModel | BlendedSpmModel;

/** Build a liquid-electrolyte cell model: 'dfn' (default), 'spme' or 'spm'. */
export function createLiquidModel(params: LiquidCellParams, opts: LiquidModelOptions = {}): LiquidModel {
  const kind = opts.model ?? 'dfn';
  if (kind === 'dfn' || kind === 'spme' || kind === 'spm') checkModelParams(params, kind);
  const blends = (
    [
      ['Negative', params.negative],
      ['Positive', params.positive],
    ] as const
  ).filter(([, e]) => e.particles.length > 1);
  if (blends.length > 0 && (kind === 'spm' || kind === 'spme')) {
    // blended electrodes (PyBaMM's particle phases) in the single-particle models: one particle per
    // material (the DFN runs them itself: one particle per material in each electrode volume)
    if (opts.scaledAtol !== undefined)
      throw new ProblemError({
        path: 'scaledAtol',
        problem: `PyBaMM's scaled tolerances are set up for the dfn and the one-material spm/spme only`,
        got: `a blended ${kind}`,
        allowed: 'model dfn, or leave scaledAtol out',
      });
    if (opts.thermal)
      throw new ProblemError({
        path: 'thermal',
        problem: `the lumped thermal model of a cell with a blended electrode runs in the dfn only`,
        got: `a thermal ${kind}`,
        allowed: 'model dfn, or isothermal (the cell at the ambient temperature)',
      });
    return new BlendedSpmModel(params, {
      electrolyte: kind === 'spme',
      ...(opts.mesh ? { mesh: opts.mesh } : {}),
      ...(opts.hysteresis !== undefined ? { hysteresis: opts.hysteresis } : {}),
    });
  }
  const common = {
    ...(opts.mesh ? { mesh: opts.mesh } : {}),
    ...(opts.thermal !== undefined ? { thermal: opts.thermal } : {}),
    ...(opts.hysteresis !== undefined ? { hysteresis: opts.hysteresis } : {}),
    ...(opts.scaledAtol !== undefined ? { scaledAtol: opts.scaledAtol } : {}),
  };
  switch (kind) {
    case 'dfn':
      return new DfnModel(params, common);
    case 'spme':
      return new SpmeModel(params, { ...common, electrolyte: true });
    case 'spm':
      return new SpmeModel(params, { ...common, electrolyte: false });
    default:
      throw new Error(`model: unknown liquid model '${String(kind)}' (allowed dfn, spme, spm)`);
  }
}

/** Parse BPX JSON text and build a liquid model from it (for the CLI: `--cell <bpx.json> --model dfn`). */
export function createLiquidModelFromBpx(bpxText: string, opts: LiquidModelOptions = {}, source = 'BPX'): LiquidModel {
  return createLiquidModel(parseBpxText(bpxText, source), opts);
}
