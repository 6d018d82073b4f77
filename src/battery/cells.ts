/**
 * The cells a battery is built from: the line's cell for the recipe (with a stated, seeded cell-to-cell
 * spread) or the cells of a production run (each as the line made it: its own produced layer stack, anode
 * and genealogy) — both the line's ProducedCell, mapped to the model by the one mapper
 * (electrochem/ssb/params.ts ssbParamsFromProducedCell); the battery invents no anode of its own.
 * Each becomes an SSB SPMe (src/electrochem/ssb) of the whole pouch cell: `cell_layers` unit cells
 * (the recipe's width × length stack) in parallel inside one pouch, which for a per-area model is the
 * same cell with layers × the area (assumption: identical layers, no in-pouch spread).
 */
import { designCell, type CellDesign, type LayerDesign } from '../design/index.ts';
import { ssbParamsFromProducedCell, withParams, type SsbCellParams } from '../electrochem/ssb/params.ts';
import type { OperatingConditions, ProducedCell } from '../process/types.ts';
import { operatingConditions, processInputFromRecipe } from '../process/from-recipe.ts';
import { simulateStations } from '../process/stations.ts';
import { SsbSpme } from '../electrochem/ssb/spme.ts';
import { getMaterial } from '../materials/library.ts';
import type { MaterialLike } from '../electrochem/ssb/params.ts';
import type { ProductionCell } from '../process/line.ts';
import { Rng } from '../numerics/rng.ts';
import type { Recipe } from '../recipe/schema.ts';
import type { SheetId } from '../recipe/stations.ts';
import { problem } from '../problems.ts';
import { fromPct } from '../units/index.ts';

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

/**
 * The line's cell for the recipe at its nominal settings (the station physics of src/process/stations.ts, as
 * the main job runs it): the unit cell the battery's design cells are drawn around. A caller that has run the
 * line already passes its `LineResult.cell` instead.
 */
export function lineCellOf(recipe: Recipe, d: CellDesign = designCell(recipe)): ProducedCell {
  return simulateStations(processInputFromRecipe(recipe, d)).cell;
}

/** why a produced cell has no working Li–Al anode against the electrolyte (a Problem's fields), null: it has one */
export function noWorkingAnode(
  recipe: Recipe,
  cell: ProducedCell,
): { path: string; reason: string; got: string; allowed: string } | null {
  if (cell.bonded['240'] === false)
    return {
      path: 'stations.240',
      reason: 'station 240 did not bond the third sheet to the Al: no anode against the electrolyte',
      got: 'bonded = false',
      allowed: 'a bonded laminate at station 240 (its force and temperature inside the bonding window)',
    };
  if (!(cell.anodeLi_mol_m2 > 0)) {
    const facing = recipe.third_sheet.facing_al;
    return facing !== 'li_layer'
      ? {
          path: 'third_sheet.facing_al',
          reason:
            "the Li-containing layer is not interposed between the Al and the conductive layer: the line's anode holds no Li",
          got: `${facing} (anode Li ${cell.anodeLi_mol_m2} mol/m²)`,
          allowed: 'li_layer (claim 1: the Li layer between the Al and the conductive layer)',
        }
      : {
          path: 'third_sheet.li_layer',
          reason: "the line's anode holds no Li",
          got: `anode Li ${cell.anodeLi_mol_m2} mol/m²`,
          allowed: '> 0',
        };
  }
  return null;
}

/** a produced cell the battery may take, else a Problem naming why it cannot (`who`: which cell) */
function batteryUnit(recipe: Recipe, cell: ProducedCell, who: string): ProducedCell {
  const no = noWorkingAnode(recipe, cell);
  if (no)
    throw problem(
      no.path,
      `${who} has no working Li–Al anode (${no.reason}); a battery of it cannot be evaluated`,
      no.got,
      no.allowed,
    );
  return cell;
}

/**
 * The mass of a produced unit cell, kg: its stack as the line made it, with the packaging's share. Rolling
 * densifies, bonds and alloys; it moves no matter in or out of the cut area (the line model keeps the area):
 * each layer's mass is the design's mass per unit of what the line conserves in it — the cathode's active
 * volume (thickness × active fraction), the separator's solid volume, the anode's Al and Li moles (with the
 * sheets' other matter, Al purity and binder, the Li layer's alloying share, in the recipe's proportions),
 * the collectors' thickness.
 */
export function producedCellMass_kg(recipe: Recipe, cell: ProducedCell, d: CellDesign = designCell(recipe)): number {
  const per = (role: LayerDesign['role'], of: (l: LayerDesign) => number): number => {
    const l = d.layers.find((x) => x.role === role);
    const q = l ? of(l) : 0;
    return l && q > 0 ? l.arealMass_kg_m2 / q : 0;
  };
  const areal =
    per('cathode', (l) => l.thickness_m * d.cathode.volumeFractions.active) *
      cell.cathodeThickness_m *
      cell.cathodeActiveFraction +
    per('electrolyte', (l) => l.thickness_m * (1 - l.porosity)) *
      cell.separatorThickness_m *
      (1 - cell.separatorPorosity) +
    per('al', () => d.anode.al_mol_m2) * cell.anodeAl_mol_m2 +
    per('li', () => d.anode.li_mol_m2) * cell.anodeLi_mol_m2 +
    per('collector', (l) => l.thickness_m) * cell.cathodeCollectorThickness_m +
    per('conductor', (l) => l.thickness_m) * cell.anodeCollectorThickness_m;
  return areal * cell.area_m2 * (1 + recipe.cell.packaging_mass_fraction);
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
 * N(1, σr), truncated nowhere — a draw ≤ 0 is an error naming the σ (never a silent clamp). The cell they
 * spread around is the line's cell for the recipe (`line`, else lineCellOf: the line run here), with its
 * produced stack's mass and thickness; a line cell without a working anode is a Problem naming why.
 */
export function designCells(
  recipe: Recipe,
  n: number,
  layers: number,
  spread: { capacity_sigma_pct: number; resistance_sigma_pct: number },
  seed: number,
  line?: ProducedCell,
): CellSpec[] {
  const d = designCell(recipe);
  const unit = batteryUnit(recipe, line ?? lineCellOf(recipe, d), "the line's cell for the recipe");
  const mass = producedCellMass_kg(recipe, unit, d);
  const cond = operatingConditions(recipe);
  const rng = new Rng(seed);
  const out: CellSpec[] = [];
  for (let i = 0; i < n; i++) {
    const fc = 1 + fromPct(spread.capacity_sigma_pct) * rng.normal();
    const fr = 1 + fromPct(spread.resistance_sigma_pct) * rng.normal();
    out.push({
      params: pouchParams(unit, cond, layers, fc, fr),
      mass_kg: mass * layers * fc,
      volume_m3: unit.area_m2 * fc * unit.cellThickness_m * layers,
      footprint_m2: unit.area_m2 * fc,
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
 * pack cells from a production run's records (in the order given; scrapped cells are rejected): each is the
 * cell the line made (`rec.cell`: its produced layers, anode phases, diffusivity, cut size) with the stack
 * thickness the line gave it (`rec.cellThickness_m`) and the mass of that stack
 */
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
    const unit = batteryUnit(recipe, rec.cell, `production cell ${rec.serial}`);
    return {
      params: pouchParams(unit, cond, layers),
      mass_kg: producedCellMass_kg(recipe, unit, d) * layers,
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
