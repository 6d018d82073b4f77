/**
 * The Li–Al electrode at temperature T, built from the shared, sourced Li–Al data
 * (src/materials/li-al.ts, data/materials/li-al.json): the two-phase plateaus that lithiation reaches
 * electrochemically at T with their coexistence potentials E(T), the single-phase slope of β, the host
 * limit (the Li-richest phase that forms electrochemically at T) and the hysteresis.
 *
 * Which phases an electrochemical lithiation reaches (the data's `formsAtRT.electrochemical`):
 *  - α-Al and β-LiAl form at and below room temperature (Baranski & Fawcett, J. Electrochem. Soc. 129
 *    (1982), doi:10.1149/1.2124050, read);
 *  - Li3Al2 (and so Li9Al4) is kinetically hindered at plain RT: "at plain RT a lithiated Al anode stops
 *    at β-LiAl and further Li plates as metal"; slightly above ambient it forms (Zheng et al., ACS Appl.
 *    Energy Mater. (2023), doi:10.1021/acsaem.2c03673, read). The temperature at which it starts to
 *    form, liRichOnset_K() (li-al.json `alloyingKinetics.liRichOnsetT`, 40 °C, assumption 30–60 °C, the
 *    onset the line's alloying model uses too) — a kinetic threshold, so the OCP's host limit jumps there
 *    (the one discontinuity in T, stated).
 *  - Li9Al4 decomposes above 335 °C (McAlister 1982, recalled): above that the host ends at Li3Al2.
 */
import { liAlData, plateauPotential, type LiAlPlateau as DataPlateau } from '../li-al.ts';

export type LiAlPhaseName = 'LiAl' | 'Li3Al2' | 'Li9Al4';

export interface LiAlPlateau {
  /** Li/Al at the Li-poor and the Li-rich end of the two-phase field */
  readonly xFrom: number;
  readonly xTo: number;
  /** coexistence potential at T (V vs Li/Li⁺) */
  readonly E_V: number;
  /** the Li-rich phase of the field and its Li/Al (for the lever rule and the molar volumes) */
  readonly richPhase: LiAlPhaseName;
  readonly richX: number;
  readonly source: string;
}

export interface LiAlElectrodeData {
  readonly T_K: number;
  readonly plateaus: readonly LiAlPlateau[];
  /** single-phase field after plateau k: to Li/Al xTo, the potential falling by drop_V */
  readonly singlePhase: readonly ({ readonly xTo: number; readonly drop_V: number } | undefined)[];
  /** Li/Al at which the host lattice is full at T: Li beyond it is metal */
  readonly xHost: number;
  /** full width of the lithiation/delithiation hysteresis of the alloy plateaus (V) */
  readonly hysteresis_V: number;
}

/**
 * Temperature above which Li3Al2 (then Li9Al4) forms electrochemically (K) — assumption, see the header.
 * A function, not a constant read at import: the Li–Al data are parsed (and validated) on first use, so a
 * command that never needs them (`rollcell --version`, `runs list`) does not pay for it (issue 12).
 */
export function liRichOnset_K(): number {
  return liAlData().alloyingKinetics.liRichOnsetT.value;
}

const cache = new Map<number, LiAlElectrodeData>();

/** The Li–Al electrode at temperature T (K). */
export function liAlElectrodeData(T_K: number): LiAlElectrodeData {
  const hit = cache.get(T_K);
  if (hit) return hit;
  const d = liAlData();
  const ab = d.plateaus.alphaBeta;
  const xAlpha = d.phases.alpha.xMaxRT!.value;
  const xBetaLo = d.phases.beta.xMinRT!.value;
  const xBeta = d.phases.beta.xMaxRT!.value;
  const pl = (p: DataPlateau, xFrom: number, xTo: number, rich: LiAlPhaseName, richX: number): LiAlPlateau => ({
    xFrom,
    xTo,
    E_V: plateauPotential(p, T_K),
    richPhase: rich,
    richX,
    source: p.Eref.source,
  });
  const plateaus: LiAlPlateau[] = [pl(ab, xAlpha, xBetaLo, 'LiAl', xBeta)];
  const singlePhase: ({ xTo: number; drop_V: number } | undefined)[] = [
    { xTo: xBeta, drop_V: ab.singlePhaseDrop?.value ?? 0.04 },
  ];
  let xHost = xBeta;
  const x32 = d.phases.Li3Al2.x!.value;
  const x94 = d.phases.Li9Al4.x!.value;
  if (T_K >= liRichOnset_K() && T_K < d.phases.Li3Al2.stableUpTo!.value) {
    plateaus.push(pl(d.plateaus.betaLi3Al2, xBeta, x32, 'Li3Al2', x32));
    singlePhase.push(undefined);
    xHost = x32;
    if (T_K < d.phases.Li9Al4.stableUpTo!.value) {
      plateaus.push(pl(d.plateaus.Li3Al2Li9Al4, x32, x94, 'Li9Al4', x94));
      singlePhase.push(undefined);
      xHost = x94;
    }
  }
  const out: LiAlElectrodeData = {
    T_K,
    plateaus,
    singlePhase,
    xHost,
    hysteresis_V: ab.hysteresis.value,
  };
  if (cache.size > 256) cache.clear();
  cache.set(T_K, out);
  return out;
}
