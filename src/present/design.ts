/**
 * THE presenter of the design: turns the typed SI `CellDesign` of src/design/index.ts into the public
 * `design` block of `rollcell run --json` (CONTRACT.md names, units in the names, 6 significant digits).
 * Nothing else converts the design to external units.
 */
import type { DesignBlock } from '../contract.ts';
import type { Recipe } from '../recipe/schema.ts';
import { designCell, type CellDesign } from '../design/index.ts';
import { toCm2, toGPerCm3, toMAh, toMgPerCm2, toPct, toUm, toWh } from '../units/index.ts';
import { sig } from './round.ts';

/** The CONTRACT `design` block (units in names). */
export function designBlock(r: Recipe, d: CellDesign = designCell(r)): DesignBlock {
  const cells = r.battery ? r.battery.series * r.battery.parallel : 1;
  return {
    cell: {
      thickness_um: sig(toUm(d.thickness_m)),
      area_cm2: sig(toCm2(d.area_m2)),
      mass_g: sig(d.mass_kg * 1e3),
      capacity_mAh: sig(toMAh(d.capacity_C)),
      energy_Wh: sig(toWh(d.energy_J)),
      average_voltage_V: sig(d.averageVoltage_V),
      layers: d.layers.map((l) => ({
        name: l.name,
        role: l.role,
        material: l.material,
        thickness_um: sig(toUm(l.thickness_m)),
        areal_mass_mg_cm2: sig(toMgPerCm2(l.arealMass_kg_m2)),
        porosity_pct: sig(toPct(l.porosity)),
      })),
    },
    cathode: {
      active_mass_mg_cm2: sig(toMgPerCm2(d.cathode.activeMass_kg_m2)),
      areal_capacity_mAh_cm2: sig(toMAh(d.cathode.arealCapacity_C_m2) / 1e4),
      theoretical_areal_capacity_mAh_cm2: sig(toMAh(d.cathode.theoreticalArealCapacity_C_m2) / 1e4),
      thickness_um: sig(toUm(d.cathode.thickness_m)),
      composite_density_g_cm3: sig(toGPerCm3(d.cathode.compositeDensity_kg_m3)),
      volume_fractions: Object.fromEntries(
        Object.entries(d.cathode.volumeFractions).map(([k, v]) => [k, sig(v)]),
      ) as NonNullable<DesignBlock['cathode']['volume_fractions']>,
    },
    anode: {
      al_thickness_um: sig(toUm(d.anode.alThickness_m)),
      li_thickness_um: sig(toUm(d.anode.liThickness_m)),
      li_al_molar_ratio: sig(d.anode.liAlMolarRatio),
      al_host_capacity_mAh_cm2: sig(toMAh(d.anode.alHostCapacity_C_m2) / 1e4),
      remaining_host_capacity_mAh_cm2: sig(toMAh(d.anode.remainingHostCapacity_C_m2) / 1e4),
      li_inventory_mAh_cm2: sig(toMAh(d.anode.liInventory_C_m2) / 1e4),
      design_potential_V: sig(d.anode.designPotential_V),
    },
    np_ratio: sig(d.npRatio),
    np_ratio_empty_al_host: sig(d.npRatioEmptyAl),
    specific_energy_Wh_kg: sig(toWh(d.specificEnergy_J_kg)),
    energy_density_Wh_L: sig(toWh(d.energyDensity_J_m3) / 1000),
    stack: {
      cells,
      energy_Wh: sig(toWh(d.energy_J * cells)),
      mass_g: sig(d.mass_kg * cells * 1e3),
      specific_energy_Wh_kg: sig(toWh(d.specificEnergy_J_kg)),
      energy_density_Wh_L: sig(toWh(d.energyDensity_J_m3) / 1000),
    },
  };
}
