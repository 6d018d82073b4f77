/**
 * Web tension per span, checked against what each web can carry.
 *
 * Rule (process-models §2.3, V: PFFC, Michal 2024, "Tension: the first thing we must get right"):
 * run a web at 10–25 % of its elastic limit, T′ ≈ (0.10–0.25)·σ_y·t (N/m). Each span's load-bearing
 * layers are the sheet's metal layers (yield stresses from src/materials/library.ts with their sources).
 * Li can only be run on a carrier: a free Li foil of thickness t_Li could carry 0.25·σ_y,Li·t_Li — for
 * 20 µm Li at σ_y ≈ 0.8 MPa that is ≈ 4 N/m, two orders below a usable web tension — so the third
 * sheet puts Li on Cu (the seed's Li-on-Cu sheet, claim 8) and the Cu carries the tension.
 */
import type { Recipe } from '../../recipe/schema.ts';
import type { Production } from './config.ts';
import { getMaterial } from '../../materials/library.ts';
import { mechanicalProperties } from '../../materials/mechanics.ts';
import { problem } from '../../problems.ts';
import { um } from '../../units/index.ts';

/** the band of the rule of thumb (PFFC 2024, process-models §2.3) */
export const TENSION_FRACTION = { low: 0.1, high: 0.25 } as const;

/**
 * Al foil yield by temper: the initial yield of the temper's flow law in mechanics.json, the one the roll gap uses
 * (O 35 MPa; H14 115 MPa, ASM Handbook Vol. 2; H18 170 MPa ≈ 0.9 × the ≥ 180 MPa tensile strength of battery foil —
 * process-models §2.3 took the 180 MPa tensile strength for the yield)
 */
function alYield_Pa(temper: 'O' | 'H14' | 'H18'): { value: number; source: string } {
  const id = temper === 'O' ? 'Al-O' : temper === 'H14' ? 'Al-H14' : 'Al-H18';
  const fl = mechanicalProperties(id).flowLaw;
  if (fl.kind !== 'hollomon')
    throw problem(
      `data/materials/mechanics.json: ${id}.flowLaw.kind`,
      'an Al foil temper has a yield',
      fl.kind,
      'hollomon',
    );
  return { value: fl.yieldStress.value, source: fl.yieldStress.source };
}

function yieldOf(id: string): { value: number; source: string } | undefined {
  const y = getMaterial(id).yieldStress;
  return y ? { value: y.value, source: y.source } : undefined;
}

/** one span's set tension against what its load-bearing layers carry (SI; src/present/production.ts words it) */
export interface SpanTension {
  span: 'first_sheet' | 'al_sheet' | 'third_sheet' | 'laminate';
  /** the span's set tension, N/m */
  tension_N_per_m: number;
  /** load-bearing layers: yield stress (Pa), thickness (m) and σ_y·t (N/m) */
  carriers: { layer: string; yield_Pa: number; thickness_m: number; capacity_N_per_m: number; source: string }[];
  /** Σ σ_y·t of the carriers, N/m (elastic limit of the web) */
  elasticLimit_N_per_m: number | null;
  /** tension / elastic limit */
  utilisation: number | null;
  /** within 10–25 % of the elastic limit (or below it) */
  ok: boolean | null;
  note?: string;
}

export interface TensionReport {
  spans: SpanTension[];
  /** could the Li layer run as a free foil at the third sheet's set tension */
  freeLi: {
    /** the Li layer's thickness, m, and yield stress, Pa */
    liThickness_m: number;
    liYield_Pa: number;
    /** what a free Li foil could be run at (25 % of σ_y·t), N/m */
    maxTension_N_per_m: number;
    /** the third sheet's set tension, N/m */
    requiredTension_N_per_m: number;
    /** required / what free Li could carry (> 1: Li must ride on a carrier) */
    overloadFactor: number;
    /** the third sheet's conductive layer, the Li's carrier */
    carrier: string;
  };
}

export function tensionReport(r: Recipe, P: Production): TensionReport {
  const T = P.tension_N_per_m;
  const mk = (
    span: SpanTension['span'],
    tension: number,
    carriers: SpanTension['carriers'],
    note?: string,
  ): SpanTension => {
    const lim = carriers.length ? carriers.reduce((s, c) => s + c.capacity_N_per_m, 0) : null;
    const u = lim ? tension / lim : null;
    const out: SpanTension = {
      span,
      tension_N_per_m: tension,
      carriers,
      elasticLimit_N_per_m: lim,
      utilisation: u,
      ok: u === null ? null : u <= TENSION_FRACTION.high,
    };
    if (note) out.note = note;
    return out;
  };
  const carrier = (
    layer: string,
    y: { value: number; source: string } | undefined,
    t_um: number,
  ): SpanTension['carriers'] =>
    y
      ? [
          {
            layer,
            yield_Pa: y.value,
            thickness_m: um(t_um),
            capacity_N_per_m: y.value * um(t_um),
            source: y.source,
          },
        ]
      : [];

  const fs = r.first_sheet;
  const cc = fs.current_collector;
  const first = cc ? carrier(`${cc.material} collector`, yieldOf(cc.material), cc.thickness_um) : [];
  const alC =
    r.al_sheet.form === 'foil' ? carrier('Al foil', alYield_Pa(r.al_sheet.temper), r.al_sheet.thickness_um) : [];
  const t3 = r.third_sheet;
  const liY = getMaterial('Li').yieldStress!;
  const third = [
    ...carrier(t3.conductive_layer.material, yieldOf(t3.conductive_layer.material), t3.conductive_layer.thickness_um),
    ...carrier('Li layer', { value: liY.value, source: liY.source }, t3.li_layer.thickness_um),
  ];
  const spans = [
    mk(
      'first_sheet',
      T.first_sheet,
      first,
      cc
        ? undefined
        : 'particulate cathode|SE composite without a collector: no yield data for the composite tape — its tensile limit must be measured (no source)',
    ),
    mk(
      'al_sheet',
      T.al_sheet,
      alC,
      alC.length
        ? undefined
        : 'Al particles on a plastic carrier: the carrier film carries the tension (its strength is not in the library)',
    ),
    mk('third_sheet', T.third_sheet, third),
    mk('laminate', T.laminate, [...first, ...alC, ...third]),
  ];
  const liT = um(t3.li_layer.thickness_um);
  const maxFree = TENSION_FRACTION.high * liY.value * liT;
  return {
    spans,
    freeLi: {
      liThickness_m: liT,
      liYield_Pa: liY.value,
      maxTension_N_per_m: maxFree,
      requiredTension_N_per_m: T.third_sheet,
      overloadFactor: T.third_sheet / maxFree,
      carrier: t3.conductive_layer.material,
    },
  };
}
