/**
 * The ageing parameters' ids: the fields of the recipe's `cycling.model_parameters.ageing` and the keys of
 * data/ageing/mechanisms.json. One list, read by the recipe schema (src/recipe/schema.ts) and by the ageing
 * model (src/electrochem/ssb/ageing-data.ts `AGEING_PARAMETER_IDS`), which may import from the recipe.
 */
export const AGEING_PARAMETER_FIELDS = [
  'cei_kLi',
  'cei_kR',
  'cei_Ea',
  'cei_socSlope',
  'aei_kLi',
  'aei_socSlope',
  'aei_freshPerStrain',
  'dead_li_fraction',
  'cathode_contact_lambda',
  'cathode_contact_P0',
  'cathode_contact_cycles',
  'anode_void_k',
  'anode_void_P0',
] as const;
