/** A patent-like example: 60 µm NCM811 composite + 30 µm Li6PS5Cl, 10 µm Al foil, 13 µm Li on 10 µm Cu,
 *  300 N, 100 °C, Ø 100 mm rolls, 50 mm web, 1 m/min. */
import type { ProcessInput } from '../../src/process/types.ts';

export function patentExample(
  over: { force?: number; T240_K?: number; speed_m_s?: number; webWidth_m?: number } = {},
): ProcessInput {
  const web = over.webWidth_m ?? 0.05;
  const st = (id: '222' | '236' | '240', T: number) => ({
    id,
    force_N: over.force ?? 300,
    rollDiameter_m: 0.1,
    faceWidth_m: 0.3,
    temperature_K: T,
  });
  return {
    cell: { width_m: 0.08, length_m: 0.1 },
    firstSheet: {
      inSitu: false,
      cathode: { role: 'cathode', name: 'cathode', material: 'cathode-composite', thickness_m: 60e-6, porosity: 0.2 },
      electrolyte: {
        role: 'electrolyte',
        name: 'electrolyte',
        material: 'sulfide-SE',
        thickness_m: 30e-6,
        porosity: 0.2,
      },
      // NCM811 / Li6PS5Cl / carbon / binder 70/27/2/1 wt % at 20 % porosity (volume fractions)
      composite: {
        activeMaterialId: 'NCM811',
        electrolyteId: 'Li6PS5Cl',
        volumeFractions: { active: 0.4, electrolyte: 0.36, conductive: 0.03, binder: 0.01, pores: 0.2 },
        particleRadius_m: 2.5e-6,
      },
      electrolyteId: 'Li6PS5Cl',
    },
    alSheet: { form: 'foil', layer: { role: 'al', name: 'al', material: 'Al-O', thickness_m: 10e-6 } },
    thirdSheet: {
      li: { role: 'li', name: 'li', material: 'Li', thickness_m: 13e-6 },
      conductor: { role: 'conductor', name: 'cu', material: 'Cu', thickness_m: 10e-6 },
      orientation: 'li_facing_al',
      conductorId: 'Cu',
    },
    stations: { '236': st('236', 298.15), '240': st('240', over.T240_K ?? 373.15) },
    line: {
      speed_m_s: over.speed_m_s ?? 1 / 60,
      webWidth_m: web,
      dwell_s: 60,
      dwellTemperature_K: over.T240_K ?? 373.15,
      storage_s: 24 * 3600,
      storageTemperature_K: 298.15,
    },
  };
}
