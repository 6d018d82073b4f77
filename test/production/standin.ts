/**
 * A stand-in for the station physics, for production tests only: the design stack of the perturbed
 * recipe, with Li thinned at 240 in proportion to force (a fixed compliance, not a rolling model) and the
 * anode converted to β-LiAl (+ free Li) by volume. It is monotone in every input the run perturbs, which
 * is all the production tests need.
 */
import type { Recipe } from '../../src/recipe/schema.ts';
import { designCell } from '../../src/design/index.ts';
import type { LinePhysics, PhysicsResult } from '../../src/process/line.ts';
import { patentExampleCell } from '../../src/electrochem/ssb/params.ts';

const V_LIAL = 19.5e-6; // m³/mol (process-models §2.4)
const V_LI = 13.0e-6; // m³/mol

export const standinPhysics: LinePhysics = (r: Recipe): PhysicsResult => {
  const d = designCell(r);
  const F = r.stations['240'].force_N;
  const red = Math.min(0.5, 0.05 * (F / 300) * (1 + (r.stations['240'].temperature_C - 25) / 300));
  const liT = d.anode.liThickness_m * (1 - red);
  const al = d.anode.al_mol_m2;
  const li = d.anode.li_mol_m2;
  const free = Math.max(0, li - al);
  const anode = Math.min(li, al) * V_LIAL + free * V_LI + Math.max(0, al - li) * 10e-6;
  const cath = d.cathode.thickness_m;
  const sep = r.first_sheet.electrolyte_layer.thickness_um * 1e-6;
  const cu = r.third_sheet.conductive_layer.thickness_um * 1e-6;
  const alT = d.anode.alThickness_m;
  return {
    cell: {
      ...patentExampleCell(),
      area_m2: d.area_m2,
      cathodeThickness_m: cath,
      separatorThickness_m: sep,
      anodeThickness_m: anode,
      anodeCollectorThickness_m: cu,
      cathodeActiveFraction: d.cathode.volumeFractions.active,
      activeMaterialId: r.first_sheet.cathode.active_material,
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
