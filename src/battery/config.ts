/**
 * Battery settings beyond the recipe's `battery: {series, parallel, application,
 * interconnect_resistance_mOhm}` block. The integrator merges `batteryExtrasSchema` into the recipe's
 * battery block (as `battery.extras`, or field by field); `parseBatteryExtras({})` gives the defaults.
 * Every default carries its source or "assumption".
 */
import { ProblemError } from '../problems.ts';
import { zodProblems } from '../recipe/zod-problems.ts';

// the schemas are the recipe's (src/recipe/battery.ts); re-exported for the battery's modules
export {
  vehicleSchema,
  spreadSchema,
  thermalSchema,
  bmsSchema,
  batteryExtrasSchema,
  type BatteryExtras,
  type BatteryExtrasInput,
  type Vehicle,
} from '../recipe/battery.ts';
import { batteryExtrasSchema, type BatteryExtras } from '../recipe/battery.ts';

/** parse with messages that name the field path, the bad value and what is allowed */
export function parseBatteryExtras(data: unknown): BatteryExtras {
  const r = batteryExtrasSchema.safeParse(data ?? {});
  if (r.success) return r.data;
  throw new ProblemError(zodProblems(r.error, data ?? {}, batteryExtrasSchema, 'battery.extras'));
}
