/**
 * Cost per kWh of a production run, rolled up in BatPaC's categories (Argonne BatPaC, Knehr, Kubal,
 * Nelson & Ahmed, "Battery Performance and Cost Modeling for Electric-Drive Vehicles (A Manual for
 * BatPaC v5.0)", ANL/CSE-22/1 (2022); process-models §4.1, §4.4): materials (in good cells), scrap
 * (materials in scrapped cells, splice/restart zones, fragments and edge trim — BatPaC's "rejected-cell
 * and scrap" step), direct labour, equipment depreciation (capital recovery factor
 * CRF = i(1+i)ⁿ/((1+i)ⁿ−1), process-models §4.4 PBCM form) and energy.
 *
 * EVERY PRICE BELOW IS AN ASSUMPTION (no price source was read for these sheets; thin Li foil and
 * sulfide SE prices in particular are highly uncertain, cf. Schnell et al., Energy Technol. 8 (2020)
 * 1901237). Override them in `production.cost.prices_usd_per_kg`.
 */
import type { Recipe } from '../../recipe/schema.ts';
import type { CellDesign } from '../../design/index.ts';
import { getMaterial, type MaterialKind } from '../../materials/library.ts';
import type { Production } from './config.ts';
import { fromPct, toG, toHours } from '../../units/index.ts';

/** $/kg — assumptions (see the header) */
export const DEFAULT_PRICES_USD_PER_KG: Readonly<Record<string, number>> = {
  NCM811: 26, // assumption: order of the BatPaC v5 NMC811 cathode price (K, verify)
  Li6PS5Cl: 150, // assumption: no market price for sulfide SE at scale
  Li: 250, // assumption: thin (≤ 30 µm) Li foil carries a large premium over Li metal
  Al: 8, // assumption: battery-grade Al foil
  Cu: 12, // assumption: battery-grade Cu foil
  VGCF: 40, // assumption
  carbon_black: 10, // assumption
  PTFE: 20, // assumption
  PVDF: 20, // assumption
};
/** fallback by material kind, $/kg — assumptions */
const KIND_FALLBACK: Record<MaterialKind, number> = {
  cathode_active: 25,
  solid_electrolyte: 150,
  binder: 20,
  conductive_additive: 20,
  collector: 12,
  anode_metal: 250,
  li_al_phase: 250,
  protective_layer: 50,
  carrier: 5,
};

export interface MaterialShare {
  material: string;
  areal_mass_g_m2: number;
  price_usd_per_kg: number;
  price_source: string;
  cost_usd_per_m2: number;
}

/** materials of one m² of laminate, from the design's layers (cathode composite split by wt %) */
export function arealMaterials(r: Recipe, d: CellDesign, P: Production): MaterialShare[] {
  const masses = new Map<string, number>();
  const add = (id: string, m: number): void => void masses.set(id, (masses.get(id) ?? 0) + m);
  const c = r.first_sheet.cathode;
  const w = c.composition_wt_pct;
  const tot = w.active + w.electrolyte + w.conductive + w.binder;
  for (const l of d.layers) {
    if (l.name.startsWith('cathode layer')) {
      add(c.active_material, (l.arealMass_kg_m2 * w.active) / tot);
      add(c.electrolyte, (l.arealMass_kg_m2 * w.electrolyte) / tot);
      add(c.conductive_additive, (l.arealMass_kg_m2 * w.conductive) / tot);
      add(c.binder, (l.arealMass_kg_m2 * w.binder) / tot);
    } else add(l.material, l.arealMass_kg_m2);
  }
  const out: MaterialShare[] = [];
  for (const [id, m] of masses) {
    if (m <= 0) continue;
    const user = P.cost.prices_usd_per_kg[id];
    const def = DEFAULT_PRICES_USD_PER_KG[id];
    const price = user ?? def ?? KIND_FALLBACK[getMaterial(id).kind];
    const src =
      user !== undefined
        ? 'recipe production.cost.prices_usd_per_kg'
        : def !== undefined
          ? 'assumption (cost.ts default)'
          : `assumption (fallback for ${getMaterial(id).kind})`;
    out.push({
      material: id,
      areal_mass_g_m2: toG(m),
      price_usd_per_kg: price,
      price_source: src,
      cost_usd_per_m2: m * price,
    });
  }
  return out;
}

export interface CostInput {
  /** laminate consumed, m² (web length × web width) */
  webArea_m2: number;
  /** good-cell area, m² */
  goodArea_m2: number;
  goodEnergy_kWh: number;
  /** scheduled time of the run, s */
  planned_s: number;
}

export interface CostBreakdown {
  cost_per_kWh: number | null;
  currency: 'USD';
  by_category_usd_per_kWh: {
    materials: number;
    scrap: number;
    labour: number;
    depreciation: number;
    energy: number;
  } | null;
  run_total_usd: {
    materials: number;
    scrap: number;
    labour: number;
    depreciation: number;
    energy: number;
    total: number;
  };
  materials: MaterialShare[];
  capital_recovery_factor: number;
  assumptions: string[];
}

export function costRollup(r: Recipe, d: CellDesign, P: Production, x: CostInput): CostBreakdown {
  const mats = arealMaterials(r, d, P);
  const perM2 = mats.reduce((s, m) => s + m.cost_usd_per_m2, 0);
  const C = P.cost;
  const i = fromPct(C.interest_pct);
  const n = C.depreciation_years;
  // i / (1 − (1+i)^−n): the same factor as i(1+i)^n / ((1+i)^n − 1) without overflowing for long lives
  const crf = i > 0 ? i / (1 - (1 + i) ** -n) : 1 / n;
  const hours = toHours(x.planned_s);
  const materials = perM2 * x.goodArea_m2;
  const scrap = perM2 * Math.max(0, x.webArea_m2 - x.goodArea_m2);
  const labour = C.labour_usd_per_h * C.operators * hours;
  const depreciation = ((C.capex_usd * crf) / C.operating_h_per_year) * hours;
  const energy = C.line_power_kW * hours * C.electricity_usd_per_kWh;
  const total = materials + scrap + labour + depreciation + energy;
  const E = x.goodEnergy_kWh;
  const per = (v: number): number => v / E;
  return {
    cost_per_kWh: E > 0 ? total / E : null,
    currency: 'USD',
    by_category_usd_per_kWh:
      E > 0
        ? {
            materials: per(materials),
            scrap: per(scrap),
            labour: per(labour),
            depreciation: per(depreciation),
            energy: per(energy),
          }
        : null,
    run_total_usd: { materials, scrap, labour, depreciation, energy, total },
    materials: mats,
    capital_recovery_factor: crf,
    assumptions: [
      'material prices: assumptions unless set in production.cost.prices_usd_per_kg',
      `labour ${C.labour_usd_per_h} $/h × ${C.operators} operators, capex ${C.capex_usd} $ over ` +
        `${n} years at ${C.interest_pct} %/yr, ${C.operating_h_per_year} h/yr, line ${C.line_power_kW} ` +
        `kW at ${C.electricity_usd_per_kWh} $/kWh: assumptions (BatPaC v5 structure, ANL/CSE-22/1; ` +
        `values not from it)`,
      'only this line (lamination → cut cells) is costed: no formation, packaging, overhead, GS&A, warranty or profit',
    ],
  };
}
