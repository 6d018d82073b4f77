/**
 * Single-particle model (SPM) of the all-solid-state cell: the SsbSpme class with the ohmic losses of
 * the solid electrolyte network, the electronic network and the separator switched off (only the lumped
 * collector contact resistance remains). Validity: low rate, where i·(L_c/(3κ_eff) + L_s/κ_sep) ≪ RT/F
 * and ν² ≪ 1 (see spme.ts, `validity`).
 */
import type { SsbCellParams } from './params.ts';
import { SsbSpme, type SpmeOptions } from './spme.ts';

export class SsbSpm extends SsbSpme {
  constructor(params: SsbCellParams, opts: SpmeOptions = {}) {
    super(params, opts, 'spm');
  }
}

export function createSpm(params: SsbCellParams, opts: SpmeOptions = {}): SsbSpm {
  return new SsbSpm(params, opts);
}
