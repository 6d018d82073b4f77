/**
 * The outfeed thickness gauges' readings (stations 222, 236, 240). A gauge reports the laminate thickness
 * quantised at its resolution; the run logs, charts (the 240 gauge's SPC) and stores that reading. The
 * quantisation is the gauge's, in SI, so that the SPC charts the readings in m at full precision and the
 * SPC export recomputed from the stored cells (whose record writes the reading in µm to 6 significant
 * digits, which holds every multiple of 0.01 µm below 10 mm exactly) recovers each reading to the bit.
 */
import { um } from '../../units/index.ts';

/**
 * The gauges' resolution, m: 0.01 µm. Assumption (no gauge is named in the patent): the display resolution
 * of an inline laser-triangulation or confocal thickness gauge, plausible 0.001–1 µm (beta/X-ray areal-weight
 * gauges resolve ≈ 0.1 % of the reading, ≈ 0.1 µm here). It must stay ≥ 0.01 µm for the stored record's 6
 * significant digits to hold every reading below 10 mm.
 */
export const GAUGE_RESOLUTION_M = um(0.01);

/** a gauge's reading of a thickness (m): the nearest multiple of the resolution, m */
export function gaugeReading(thickness_m: number): number {
  return Math.round(thickness_m / GAUGE_RESOLUTION_M) * GAUGE_RESOLUTION_M;
}
