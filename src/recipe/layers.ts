/**
 * The roles a layer plays in the cell, named by the patent's reference numerals: the vocabulary shared
 * by the recipe, the design, the line's results and the output contract (a role is set when the recipe
 * becomes SI input, never recovered from a display name).
 */
export type LayerRole =
  | 'cathode' // composite cathode (202)
  | 'electrolyte' // solid-electrolyte separator layer (206)
  | 'collector' // cathode current collector (208)
  | 'al' // Al-containing layer (224) before alloying
  | 'carrier' // plastic carrier of an Al-particle sheet
  | 'li' // Li-containing layer (232) before alloying
  | 'conductor' // conductive layer (234), the anode current collector
  | 'anode'; // the prelithiated Li–Al anode (238) after alloying
