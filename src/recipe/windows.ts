/**
 * The seed's preferred windows (US 2025/0266422 A1). They are NOT validation limits: a recipe outside
 * is valid and the window check reports it. The claim chart uses the same table.
 */
export interface ClaimWindow {
  id: string;
  quantity: string;
  unit: string;
  min?: number;
  max?: number;
  paragraph: string;
  claim?: number;
}

export const WINDOWS = {
  force_240: {
    id: 'force_240',
    quantity: 'roll force at rollers 240',
    unit: 'N',
    min: 150,
    max: 500,
    paragraph: '[0203]',
    claim: 5,
  },
  force_236: {
    id: 'force_236',
    quantity: 'roll force at rollers 236',
    unit: 'N',
    min: 150,
    max: 500,
    paragraph: '[0196]',
  },
  heating_240: {
    id: 'heating_240',
    quantity: 'heating at rollers 240',
    unit: '°C',
    min: 30,
    max: 200,
    paragraph: '[0204]',
    claim: 7,
  },
  li_content: {
    id: 'li_content',
    quantity: 'elemental Li in the Li-containing layer',
    unit: 'wt %',
    min: 80,
    max: 100,
    paragraph: '[0199]',
  },
  anode_thickness: {
    id: 'anode_thickness',
    quantity: 'prelithiated anode thickness',
    unit: 'µm',
    min: 10,
    max: 100,
    paragraph: '[0205]',
    claim: 12,
  },
  specific_capacity: {
    id: 'specific_capacity',
    quantity: 'specific capacity',
    unit: 'mAh/g',
    min: 100,
    paragraph: '[0013]',
    claim: 13,
  },
  cell_thickness: {
    id: 'cell_thickness',
    quantity: 'cell thickness as produced',
    unit: 'µm',
    max: 1000,
    paragraph: '[0206]',
    claim: 14,
  },
  stack_pressure: {
    id: 'stack_pressure',
    quantity: 'stack pressure',
    unit: 'MPa',
    min: 1,
    max: 10,
    paragraph: '[0207]',
    claim: 15,
  },
  c_rate: { id: 'c_rate', quantity: 'C-rate', unit: 'C', min: 0.33, paragraph: '[0013]', claim: 16 },
  anode_diffusivity: {
    id: 'anode_diffusivity',
    quantity: 'Li diffusivity in the prelithiated anode',
    unit: 'cm²/s',
    min: 1e-14,
    max: 1e-7,
    paragraph: '[0120]',
  },
  charge_cutoff: {
    id: 'charge_cutoff',
    quantity: 'first-cycle charge cut-off',
    unit: 'V',
    min: 4.25,
    max: 4.4,
    paragraph: '[0178]',
  },
  battery_voltage: {
    id: 'battery_voltage',
    quantity: 'battery output voltage',
    unit: 'V',
    min: 1,
    max: 500,
    paragraph: '[0176]',
  },
} as const satisfies Record<string, ClaimWindow>;

export function inWindow(w: ClaimWindow, value: number): boolean {
  return (w.min === undefined || value >= w.min) && (w.max === undefined || value <= w.max);
}

export function windowText(w: ClaimWindow): string {
  if (w.min !== undefined && w.max !== undefined) return `${w.min}–${w.max} ${w.unit}`;
  if (w.min !== undefined) return `≥ ${w.min} ${w.unit}`;
  return `≤ ${w.max} ${w.unit}`;
}

export interface WindowCheck {
  id: string;
  quantity: string;
  value: number;
  unit: string;
  window: string;
  inside: boolean;
  paragraph: string;
  /** where the value comes from: 'set point', 'line result', 'design', 'recipe', 'cycling', 'design × series' */
  source: string;
  claim?: number;
}

export function checkWindow(w: ClaimWindow, value: number, source = 'recipe'): WindowCheck {
  return {
    id: w.id,
    quantity: w.quantity,
    value,
    unit: w.unit,
    window: windowText(w),
    inside: inWindow(w, value),
    paragraph: w.paragraph,
    source,
    ...(w.claim !== undefined ? { claim: w.claim } : {}),
  };
}
