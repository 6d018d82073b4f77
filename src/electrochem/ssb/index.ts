/**
 * All-solid-state cell models (composite cathode | sulfide SE | Li–Al anode) — public entry points.
 *
 *   const params = ssbParamsFromProducedCell(cellSI, getMaterial);   // or patentExampleParams()
 *   const model = createSsbModel('p2d', params);                       // FullCellModel
 *   model.problem({ mode: 'current', value: -I }) → DaeProblem for src/numerics solveDae
 *   model.afterCycle(y, summary)   ageing (claim 19);   model.thickness_m(y)   Eq. 1 of [0178]
 */
import type { FullCellModel } from '../model.ts';
import { SsbP2D, type P2dOptions } from './p2d.ts';
import type { SsbCellParams } from './params.ts';
import { SsbSpm } from './spm.ts';
import { SsbSpme, type SpmeOptions } from './spme.ts';
import { problem } from '../../problems.ts';

export * from './params.ts';
export { SsbP2D, type P2dOptions } from './p2d.ts';
export { SsbSpme, createSpme, type SpmeOptions, type Validity } from './spme.ts';
export { SsbSpm, createSpm } from './spm.ts';
export { applyAgeing } from './ageing.ts';
export { thicknessModel, anodeVolumePerAl, cathodeVolumeStrain, designWindow, type AgeingState } from './common.ts';

export type SsbModelKind = 'p2d' | 'spme' | 'spm';

/** a solid-state cell model of the given kind (CLI names: p2d, spme, spm) */
export function createSsbModel(
  kind: SsbModelKind,
  params: SsbCellParams,
  opts: P2dOptions & SpmeOptions = {},
): FullCellModel & { readonly core: SsbP2D['core'] } {
  switch (kind) {
    case 'p2d':
      return new SsbP2D(params, opts);
    case 'spme':
      return new SsbSpme(params, opts, 'spme');
    case 'spm':
      return new SsbSpm(params, opts);
    default:
      throw problem('model', 'unknown solid-state model', String(JSON.stringify(kind)), 'p2d, spme, spm');
  }
}
