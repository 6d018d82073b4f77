/**
 * THE station table of the line of FIG. 2 (US 2025/0266422 A1, [0184]–[0207]): each roller pair's id, what
 * it does, which unwound sheets and incoming layers it feeds, how its new interface bonds, the seed's
 * paragraphs and windows of its set points. Recipe, process, claims and report read this one table;
 * nothing else spells a station's properties.
 */
import type { WINDOWS } from './windows.ts';

export type StationId = '222' | '236' | '240';
export const STATION_IDS: readonly StationId[] = ['222', '236', '240'];

/**
 * A record by station of the values given (a station whose value is undefined is left out), made as one object
 * literal: the ids are array-index keys, which V8 keeps in a small dictionary for a literal but in an array of
 * ≈ 350 slots when they are assigned one by one, and copies on its slow path in a spread — the per-cell records
 * of a production shift. The same record as assigning each id in STATION_IDS order.
 */
export function stationRecord<T>(
  v222: T | undefined,
  v236: T | undefined,
  v240: T | undefined,
): Partial<Record<StationId, T>> {
  if (v236 !== undefined && v240 !== undefined)
    return v222 !== undefined ? { '222': v222, '236': v236, '240': v240 } : { '236': v236, '240': v240 };
  const out: Partial<Record<StationId, T>> = {};
  if (v222 !== undefined) out['222'] = v222;
  if (v236 !== undefined) out['236'] = v236;
  if (v240 !== undefined) out['240'] = v240;
  return out;
}

/** the three unwound sheets of FIG. 2 */
export type SheetId = 'first_sheet' | 'al_sheet' | 'third_sheet';
export const SHEETS: readonly SheetId[] = ['first_sheet', 'al_sheet', 'third_sheet'];

/** incoming layers a station's infeed gauge sees, by recipe layer key */
export type IncomingLayer = 'cathode' | 'electrolyte' | 'al' | 'li' | 'cu';

export interface StationSpec {
  id: StationId;
  /** what the roller pair does */
  does: string;
  /** optional in the claims (222: the first sheet can be supplied finished, [0189]) */
  optional: boolean;
  /** the unwound sheet(s) it brings in */
  feeds: readonly SheetId[];
  /** the incoming layers of those sheets (infeed gauge) */
  incoming: readonly IncomingLayer[];
  /** how the new interface forms: adhesion / interlock of layers that do not deform, or a Li cold weld */
  bond: 'adhesion' | 'cold_weld';
  paragraph: string;
  /** the seed's windows of its set points (ids of ./windows.ts WINDOWS) */
  windows: { force?: keyof typeof WINDOWS; temperature?: keyof typeof WINDOWS };
}

export const STATIONS: Readonly<Record<StationId, StationSpec>> = {
  '222': {
    id: '222',
    does: 'laminates the solid-electrolyte layer (and an optional collector) onto the cathode layer in situ',
    optional: true,
    feeds: ['first_sheet'],
    incoming: ['cathode', 'electrolyte'],
    bond: 'adhesion',
    paragraph: '[0189]',
    windows: {},
  },
  '236': {
    id: '236',
    does: 'roll-bonds the Al-containing sheet onto the solid-electrolyte layer (second composite sheet)',
    optional: false,
    feeds: ['al_sheet'],
    incoming: ['al'],
    bond: 'adhesion',
    paragraph: '[0193]–[0196]',
    windows: { force: 'force_236' },
  },
  '240': {
    id: '240',
    does: 'roll-bonds the Li-on-Cu sheet onto the Al (prelithiated anode), optionally heated',
    optional: false,
    feeds: ['third_sheet'],
    incoming: ['li', 'cu'],
    bond: 'cold_weld',
    paragraph: '[0197]–[0204]',
    windows: { force: 'force_240', temperature: 'heating_240' },
  },
};
