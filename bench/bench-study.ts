/**
 * The sweep that bench:sweep and bench:scale both time: the patent example's recipe and an LHS study of
 * n points over four line and cell factors (station 240's force and temperature, the Li layer's
 * thickness, the stack pressure), with or without the [0178] first cycle.
 */
import { readFileSync } from 'node:fs';

export const recipeText = readFileSync(new URL('../examples/patent-line.yaml', import.meta.url), 'utf8');

export const benchStudyText = (name: string, n: number, firstCycle: boolean): string => `
name: ${name}
seed: 1
parameters:
  stations.240.force_N: {from: 150, to: 500}
  stations.240.temperature_C: {from: 60, to: 170}
  third_sheet.li_layer.thickness_um: {from: 16, to: 22}
  cell.stack_pressure_MPa: {from: 1, to: 10}
design: {type: lhs, n: ${n}}
stages: {first_cycle: ${firstCycle}}
outputs: [line.anode.thickness_um, line.anode.free_li_um, ${firstCycle ? 'cycling.discharge_capacity_mAh_g, cycling.coulombic_efficiency, ' : ''}claims, claims_met]
`;
