/**
 * THE presenter of the design: turns the typed SI `CellDesign` of src/design/index.ts into the public
 * `design` block of `rollcell run --json` (CONTRACT.md names, units in the names, 6 significant digits).
 * Nothing else converts the design to external units.
 */
import type { DesignBlock } from '../contract.ts';
import type { Recipe } from '../recipe/schema.ts';
import { designCell, type CellDesign } from '../design/index.ts';
import { toCm2, toGPerCm3, toMAh, toMgPerCm2, toPct, toUm, toWh } from '../units/index.ts';

const r4 = (x: number): number => Number(x.toPrecision(6));

/** The CONTRACT `design` block (units in names). */
export function designBlock(r: Recipe, d: CellDesign = designCell(r)): DesignBlock {
  const cells = r.battery ? r.battery.series * r.battery.parallel : 1;
  return {
    cell: {
      thickness_um: r4(toUm(d.thickness_m)),
      area_cm2: r4(toCm2(d.area_m2)),
      mass_g: r4(d.mass_kg * 1e3),
      capacity_mAh: r4(toMAh(d.capacity_C)),
      energy_Wh: r4(toWh(d.energy_J)),
      average_voltage_V: r4(d.averageVoltage_V),
      layers: d.layers.map((l) => ({
        name: l.name,
        role: l.role,
        material: l.material,
        thickness_um: r4(toUm(l.thickness_m)),
        areal_mass_mg_cm2: r4(toMgPerCm2(l.arealMass_kg_m2)),
        porosity_pct: r4(toPct(l.porosity)),
      })),
    },
    cathode: {
      active_mass_mg_cm2: r4(toMgPerCm2(d.cathode.activeMass_kg_m2)),
      areal_capacity_mAh_cm2: r4(toMAh(d.cathode.arealCapacity_C_m2) / 1e4),
      theoretical_areal_capacity_mAh_cm2: r4(toMAh(d.cathode.theoreticalArealCapacity_C_m2) / 1e4),
      thickness_um: r4(toUm(d.cathode.thickness_m)),
      composite_density_g_cm3: r4(toGPerCm3(d.cathode.compositeDensity_kg_m3)),
      volume_fractions: Object.fromEntries(
        Object.entries(d.cathode.volumeFractions).map(([k, v]) => [k, r4(v)]),
      ) as NonNullable<DesignBlock['cathode']['volume_fractions']>,
    },
    anode: {
      al_thickness_um: r4(toUm(d.anode.alThickness_m)),
      li_thickness_um: r4(toUm(d.anode.liThickness_m)),
      li_al_molar_ratio: r4(d.anode.liAlMolarRatio),
      al_host_capacity_mAh_cm2: r4(toMAh(d.anode.alHostCapacity_C_m2) / 1e4),
      remaining_host_capacity_mAh_cm2: r4(toMAh(d.anode.remainingHostCapacity_C_m2) / 1e4),
      li_inventory_mAh_cm2: r4(toMAh(d.anode.liInventory_C_m2) / 1e4),
      design_potential_V: r4(d.anode.designPotential_V),
    },
    np_ratio: r4(d.npRatio),
    np_ratio_empty_al_host: r4(d.npRatioEmptyAl),
    specific_energy_Wh_kg: r4(toWh(d.specificEnergy_J_kg)),
    energy_density_Wh_L: r4(toWh(d.energyDensity_J_m3) / 1000),
    stack: {
      cells,
      energy_Wh: r4(toWh(d.energy_J * cells)),
      mass_g: r4(d.mass_kg * cells * 1e3),
      specific_energy_Wh_kg: r4(toWh(d.specificEnergy_J_kg)),
      energy_density_Wh_L: r4(toWh(d.energyDensity_J_m3) / 1000),
    },
  };
}
