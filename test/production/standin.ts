/**
 * A stand-in for the station physics, for production tests only: the incoming SI stack of the perturbed
 * process input, with Li thinned at 240 in proportion to force (a fixed compliance, not a rolling model)
 * and the anode converted to β-LiAl (+ free Li) by volume. It is monotone in every input the run
 * perturbs, which is all the production tests need.
 */
import type { LinePhysics, PhysicsResult } from '../../src/process/line.ts';
import type { ProcessInput } from '../../src/process/types.ts';
import { patentExampleCell } from '../../src/electrochem/ssb/params.ts';

const V_LIAL = 19.5e-6; // m³/mol (process-models §2.4)
const V_LI = 13.0e-6; // m³/mol
const V_AL = 10.0e-6; // m³/mol
const Li_MOL_PER_M3 = 534 / 6.94e-3; // ρ/M of Li
const AL_MOL_PER_M3 = 2699 / 26.98e-3; // ρ/M of Al

export const standinPhysics: LinePhysics = (inp: ProcessInput): PhysicsResult => {
  const s240 = inp.stations['240'];
  const F = s240.force_N;
  const T_C = s240.temperature_K - 273.15;
  const red = Math.min(0.5, 0.05 * (F / 300) * (1 + (T_C - 25) / 300));
  const liT0 = inp.thirdSheet.li.thickness_m;
  const liT = liT0 * (1 - red);
  const alT = inp.alSheet.layer.thickness_m;
  const al = alT * AL_MOL_PER_M3;
  const li = liT0 * Li_MOL_PER_M3;
  const free = Math.max(0, li - al);
  const anode = Math.min(li, al) * V_LIAL + free * V_LI + Math.max(0, al - li) * V_AL;
  const cath = inp.firstSheet.cathode.thickness_m;
  const sep = inp.firstSheet.electrolyte.thickness_m;
  const cu = inp.thirdSheet.conductor.thickness_m;
  const vf = inp.firstSheet.composite.volumeFractions;
  return {
    cell: {
      ...patentExampleCell(),
      area_m2: inp.cell.width_m * inp.cell.length_m,
      cathodeThickness_m: cath,
      separatorThickness_m: sep,
      anodeThickness_m: anode,
      anodeCollectorThickness_m: cu,
      // the composite's volume fractions as they came in (no densification here): a consistent cell the
      // battery's mapper accepts (active + electrolyte + carbon + binder + pores = 1)
      cathodeActiveFraction: vf.active,
      cathodeElectrolyteFraction: vf.electrolyte,
      cathodeCarbonFraction: vf.conductive,
      cathodeBinderFraction: vf.binder,
      cathodePorosity: vf.pores,
      activeMaterialId: inp.firstSheet.composite.activeMaterialId,
      anodeAl_mol_m2: al,
      anodeLi_mol_m2: li,
      freeLi_m: free * V_LI,
    },
    cellThickness_m: cath + sep + anode + cu,
    crackRisk: Math.min(1, 0.3 * (anode / 40e-6)),
    bonded: F > 50,
    afterStation_m: { '222': cath + sep, '236': cath + sep + alT, '240': cath + sep + alT + liT + cu },
    layers: [
      { name: 'cathode', thickness_m: cath },
      { name: 'electrolyte', thickness_m: sep },
      { name: 'anode', thickness_m: anode },
      { name: 'Cu', thickness_m: cu },
    ],
  };
};
