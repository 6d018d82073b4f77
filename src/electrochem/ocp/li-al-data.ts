/**
 * The Li–Al electrode data the OCP is built from, at temperature T: the two-phase plateaus stable at T
 * with their coexistence potentials E(T), the single-phase slopes between them, the host limit, and
 * the lithiation/delithiation hysteresis.
 */
export type LiAlPhaseName = 'LiAl' | 'Li3Al2' | 'Li9Al4';

export interface LiAlPlateau {
  /** Li/Al at the Li-poor and the Li-rich end of the two-phase field */
  readonly xFrom: number;
  readonly xTo: number;
  /** coexistence potential at T (V vs Li/Li⁺) */
  readonly E_V: number;
  /** the Li-rich phase of the field and its Li/Al (for the lever rule) */
  readonly richPhase: LiAlPhaseName;
  readonly richX: number;
  readonly source: string;
}

export interface LiAlElectrodeData {
  readonly T_K: number;
  readonly plateaus: readonly LiAlPlateau[];
  /** single-phase field after plateau k: to Li/Al xTo, the potential falling by drop_V */
  readonly singlePhase: readonly ({ readonly xTo: number; readonly drop_V: number } | undefined)[];
  /** Li/Al at which the host lattice is full: Li beyond it is metal */
  readonly xHost: number;
  /** full width of the lithiation/delithiation hysteresis of the alloy plateaus (V) */
  readonly hysteresis_V: number;
}

const HUGGINS =
  'Huggins, Handbook of Battery Materials 2nd ed., ch. 14, Fig. 14.2, doi:10.1002/9783527637188.ch14: E = 451 − 0.220·T[K] mV (datasheet §2.2, V)';

/** The Li–Al electrode at temperature T (K). */
export function liAlElectrodeData(T_K: number): LiAlElectrodeData {
  const Eab = 0.451 - 2.2e-4 * T_K;
  return {
    T_K,
    plateaus: [
      { xFrom: 0.05, xTo: 0.95, E_V: Eab, richPhase: 'LiAl', richX: 1, source: HUGGINS },
      {
        xFrom: 1,
        xTo: 1.5,
        E_V: 0.1,
        richPhase: 'Li3Al2',
        richX: 1.5,
        source: 'Huggins Fig. 14.1 (423 °C), placeholder until src/materials/li-al.ts',
      },
      {
        xFrom: 1.5,
        xTo: 2.25,
        E_V: 0.05,
        richPhase: 'Li9Al4',
        richX: 2.25,
        source: 'Huggins Fig. 14.1 (423 °C), placeholder until src/materials/li-al.ts',
      },
    ],
    singlePhase: [{ xTo: 1, drop_V: 0.04 }, undefined, undefined],
    xHost: 2.25,
    hysteresis_V: 0,
  };
}
