/**
 * The cells a battery is built from: the recipe's design cell (with a stated, seeded cell-to-cell
 * spread) or the cells of a production run (each with its own produced layer stack and genealogy).
 * Each becomes an SSB SPMe (src/electrochem/ssb) of the whole pouch cell: `cell_layers` unit cells
 * (the recipe's width × length stack) in parallel inside one pouch, which for a per-area model is the
 * same cell with layers × the area (assumption: identical layers, no in-pouch spread).
 */
import { designCell, type CellDesign } from '../design/index.ts';
import { MOLAR_VOLUME, ssbParamsFromProducedCell, withParams, type SsbCellParams } from '../electrochem/ssb/params.ts';
import type { OperatingConditions, ProducedCell } from '../process/types.ts';
import { operatingConditions } from '../process/from-recipe.ts';
import { SsbSpme } from '../electrochem/ssb/spme.ts';
import { getMaterial } from '../materials/library.ts';
import type { MaterialLike } from '../electrochem/ssb/params.ts';
import type { ProductionCell } from '../process/line.ts';
import { Rng } from '../numerics/rng.ts';
import type { Recipe } from '../recipe/schema.ts';
import type { SheetId } from '../recipe/stations.ts';
import { problem } from '../problems.ts';
import { fromPct, um } from '../units/index.ts';

/** Li–Al anode D (m² s⁻¹): 1e-13 = 1e-9 cm² s⁻¹, DS §2.3 working value (assumption), as in params.ts */
const ANODE_D_M2_S = 1e-13;

/** where a pack cell comes from */
export interface CellOrigin {
  readonly kind: 'design' | 'production';
  /** production serial, or D-<n> for a design-spread cell */
  readonly serial: string;
  /** multiplicative deviations applied to the design cell (design-spread cells) */
  readonly capacityFactor?: number;
  readonly resistanceFactor?: number;
  /** production genealogy: parent rolls (sheet, roll id, lot), lane, station run, time on the line */
  readonly genealogy?: {
    readonly parents: readonly {
      readonly sheet: SheetId;
      readonly rollId: string;
      readonly lot: string;
      /** the cell's MD start on that roll, m */
      readonly mdStart_m: number;
    }[];
    readonly lane: number;
    readonly stationRun: string;
    /** when it passed station 240, s from the run's start */
    readonly time_s: number;
    /** its produced cathode, separator and anode thicknesses, m */
    readonly cathodeThickness_m: number;
    readonly separatorThickness_m: number;
    readonly anodeThickness_m: number;
    readonly inSpec: boolean;
  };
}

export interface CellSpec {
  readonly params: SsbCellParams;
  readonly mass_kg: number;
  readonly volume_m3: number;
  /** pouch footprint (one face), m² */
  readonly footprint_m2: number;
  readonly origin: CellOrigin;
}

const lookup = (id: string): MaterialLike | undefined => getMaterial(id) as unknown as MaterialLike;

function anodeFromMoles(
  al: number,
  li: number,
): Pick<
  ProducedCell,
  | 'anodeAl_mol_m2'
  | 'anodeLi_mol_m2'
  | 'anodeThickness_m'
  | 'freeLi_m'
  | 'freeLi_mol_m2'
  | 'phaseFractions'
  | 'anodePhases'
  | 'liAlRatio'
  | 'liInventory_mol_m2'
> {
  const x = li / al;
  const V = MOLAR_VOLUME;
  const free = Math.max(0, li - al);
  const thickness = x >= 1 ? al * V.LiAl + free * V.Li : al * (V.Al + x * (V.LiAl - V.Al));
  return {
    anodeAl_mol_m2: al,
    anodeLi_mol_m2: li,
    anodeThickness_m: thickness,
    freeLi_m: free * V.Li,
    freeLi_mol_m2: free,
    liAlRatio: x,
    liInventory_mol_m2: li,
    anodePhases:
      x >= 1
        ? { Al: 0, alpha: 0, xAlpha: 0, LiAl: al, xBeta: 1, Li3Al2: 0, Li9Al4: 0, Li: free }
        : { Al: (1 - x) * al, alpha: 0, xAlpha: 0, LiAl: x * al, xBeta: 1, Li3Al2: 0, Li9Al4: 0, Li: 0 },
    // RT alloying: Al → β-LiAl first; free Li on top when Li/Al > 1 (DS §2.2)
    phaseFractions: x >= 1 ? { Al: 0, LiAl: 1, Li3Al2: 0, Li9Al4: 0 } : { Al: 1 - x, LiAl: x, Li3Al2: 0, Li9Al4: 0 },
  };
}

/** the produced unit cell (SI) of the recipe's design, before spread */
export function designUnitCell(recipe: Recipe, d: CellDesign = designCell(recipe)): ProducedCell {
  const c = recipe.first_sheet.cathode;
  const vf = d.cathode.volumeFractions;
  const cu = d.layers.find((l) => l.name.startsWith('conductive layer'));
  const alCc = d.layers.find((l) => l.name.startsWith('cathode current collector'));
  const separatorThickness_m = um(recipe.first_sheet.electrolyte_layer.thickness_um);
  const anode = anodeFromMoles(d.anode.al_mol_m2, d.anode.li_mol_m2);
  const layers: ProducedCell['layers'] = [
    ...(cu
      ? [{ role: 'conductor' as const, name: cu.name, material: cu.material, thickness_m: cu.thickness_m, porosity: 0 }]
      : []),
    { role: 'anode', name: 'anode', material: 'Li-Al', thickness_m: anode.anodeThickness_m, porosity: 0 },
    {
      role: 'electrolyte',
      name: 'solid electrolyte layer (206)',
      material: recipe.first_sheet.electrolyte_layer.material,
      thickness_m: separatorThickness_m,
      porosity: fromPct(recipe.first_sheet.electrolyte_layer.porosity_pct),
    },
    {
      role: 'cathode',
      name: 'cathode layer (202)',
      material: c.active_material,
      thickness_m: d.cathode.thickness_m,
      porosity: vf.pores,
    },
    ...(alCc
      ? [
          {
            role: 'collector' as const,
            name: alCc.name,
            material: alCc.material,
            thickness_m: alCc.thickness_m,
            porosity: 0,
          },
        ]
      : []),
  ];
  return {
    area_m2: d.area_m2,
    layers,
    cellThickness_m: layers.reduce((t, l) => t + l.thickness_m, 0),
    cathodeThickness_m: d.cathode.thickness_m,
    cathodePorosity: vf.pores,
    cathodeActiveFraction: vf.active,
    cathodeElectrolyteFraction: vf.electrolyte,
    cathodeCarbonFraction: vf.conductive,
    cathodeBinderFraction: vf.binder,
    activeMaterialId: c.active_material,
    electrolyteId: c.electrolyte,
    cathodeParticleRadius_m: um(c.particle_radius_um),
    cathodeCollectorThickness_m: alCc?.thickness_m ?? 0,
    cathodeCollectorMaterialId: alCc?.material ?? null,
    separatorThickness_m,
    separatorPorosity: fromPct(recipe.first_sheet.electrolyte_layer.porosity_pct),
    separatorElectrolyteId: recipe.first_sheet.electrolyte_layer.material,
    ...anode,
    anodePorosity: 0,
    anodeD_m2_s: ANODE_D_M2_S,
    anodeCollectorThickness_m: cu?.thickness_m ?? 0,
    anodeCollectorMaterialId: cu?.material ?? null,
    bonded: { '236': true, '240': true },
    crackRisk: 0,
  };
}

/** SSB parameters of a whole pouch cell: the unit cell × layers (area), with optional spread factors */
export function pouchParams(
  unit: ProducedCell,
  conditions: OperatingConditions,
  layers: number,
  capacityFactor = 1,
  resistanceFactor = 1,
): SsbCellParams {
  if (!(capacityFactor > 0))
    throw problem(
      'cell.capacityFactor',
      'must be > 0',
      String(capacityFactor),
      '> 0 — reduce spread.capacity_sigma_pct',
    );
  if (!(resistanceFactor > 0))
    throw problem(
      'cell.resistanceFactor',
      'must be > 0',
      String(resistanceFactor),
      '> 0 — reduce spread.resistance_sigma_pct',
    );
  const base = ssbParamsFromProducedCell(unit, conditions, lookup);
  // capacity spread as active area (capacity ∝ area; all areal resistances then scale as 1/area too);
  // resistance spread on the interphase and contact resistances (the cell's dominant resistances)
  return withParams(base, {
    area_m2: unit.area_m2 * layers * capacityFactor,
    cathode: { interphaseResistance_ohm_m2: base.cathode.interphaseResistance_ohm_m2 * resistanceFactor },
    anode: { interphaseResistance_ohm_m2: base.anode.interphaseResistance_ohm_m2 * resistanceFactor },
    collectors: { contactResistance_ohm_m2: base.collectors.contactResistance_ohm_m2 * resistanceFactor },
  });
}

/**
 * n design cells with seeded normal spread (σ in %): capacity factor N(1, σc), resistance factor
 * N(1, σr), truncated nowhere — a draw ≤ 0 is an error naming the σ (never a silent clamp).
 */
export function designCells(
  recipe: Recipe,
  n: number,
  layers: number,
  spread: { capacity_sigma_pct: number; resistance_sigma_pct: number },
  seed: number,
): CellSpec[] {
  const d = designCell(recipe);
  const unit = designUnitCell(recipe, d);
  const cond = operatingConditions(recipe);
  const rng = new Rng(seed);
  const out: CellSpec[] = [];
  for (let i = 0; i < n; i++) {
    const fc = 1 + fromPct(spread.capacity_sigma_pct) * rng.normal();
    const fr = 1 + fromPct(spread.resistance_sigma_pct) * rng.normal();
    out.push({
      params: pouchParams(unit, cond, layers, fc, fr),
      mass_kg: d.mass_kg * layers * fc,
      volume_m3: d.area_m2 * fc * d.thickness_m * layers,
      footprint_m2: d.area_m2 * fc,
      origin: {
        kind: 'design',
        serial: `D-${String(i + 1).padStart(4, '0')}`,
        capacityFactor: fc,
        resistanceFactor: fr,
      },
    });
  }
  return out;
}

/**
 * A production cell's own unit cell: its produced cathode/separator thicknesses, its incoming Al and Li
 * thicknesses (moles ∝ thickness at the design's density and purity), its cut size; composition from the
 * recipe (not varied by the line model).
 */
export function producedUnitCell(
  recipe: Recipe,
  rec: ProductionCell,
  d: CellDesign = designCell(recipe),
): ProducedCell {
  const u = designUnitCell(recipe, d);
  const alNom = um(recipe.al_sheet.thickness_um);
  const liNom = um(recipe.third_sheet.li_layer.thickness_um);
  const al = d.anode.al_mol_m2 * (rec.incomingThickness_m.al / alNom);
  const li = d.anode.li_mol_m2 * (rec.incomingThickness_m.li / liNom);
  const w = rec.cdEnd_m - rec.cdStart_m;
  const l = rec.sEnd_m - rec.sStart_m;
  return {
    ...u,
    area_m2: w > 0 && l > 0 ? w * l : u.area_m2,
    cathodeThickness_m: rec.cell.cathodeThickness_m,
    separatorThickness_m: rec.cell.separatorThickness_m,
    ...anodeFromMoles(al, li),
  };
}

/** pack cells from a production run's records (in the order given; scrapped cells are rejected) */
export function productionCells(
  recipe: Recipe,
  records: readonly ProductionCell[],
  n: number,
  layers: number,
): CellSpec[] {
  const good = records.filter((r) => r.inSpec);
  if (good.length < n) {
    throw problem(
      'cells',
      'the production run has too few in-spec cells for the pack',
      `${good.length} of ${records.length}`,
      `≥ ${n} = series × parallel`,
    );
  }
  const d = designCell(recipe);
  const cond = operatingConditions(recipe);
  return good.slice(0, n).map((rec) => {
    const unit = producedUnitCell(recipe, rec, d);
    const massScale = (unit.area_m2 / d.area_m2) * (rec.cellThickness_m / d.thickness_m);
    return {
      params: pouchParams(unit, cond, layers),
      mass_kg: d.mass_kg * massScale * layers,
      volume_m3: unit.area_m2 * rec.cellThickness_m * layers,
      footprint_m2: unit.area_m2,
      origin: {
        kind: 'production',
        serial: rec.serial,
        genealogy: {
          parents: rec.genealogy.parents.map((p) => ({
            sheet: p.sheet,
            rollId: p.rollId,
            lot: p.lot,
            mdStart_m: p.mdStart_m,
          })),
          lane: rec.lane,
          stationRun: rec.genealogy.stationRun,
          time_s: rec.genealogy.time_s,
          cathodeThickness_m: rec.cell.cathodeThickness_m,
          separatorThickness_m: rec.cell.separatorThickness_m,
          anodeThickness_m: rec.cell.anodeThickness_m,
          inSpec: rec.inSpec,
        },
      },
    };
  });
}

export function spmeOf(spec: CellSpec): SsbSpme {
  return new SsbSpme(spec.params, {}, 'spme');
}
