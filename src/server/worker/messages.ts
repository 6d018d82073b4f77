/** Messages between the server and a run's worker thread. */
import type { Problem } from '../../problems.ts';
import type { ShiftCellBatch, ShiftPayload, SpcQuantity } from '../present/shift.ts';

export interface RunTask {
  runId: string;
  text: string;
  seed: number;
  production: boolean | { duration_s?: number; web_length_m?: number };
  battery: boolean;
  dbSpec: string;
  /** minimum wall time between cell batches, ms */
  batchMs: number;
}

export interface ShiftStart {
  planned_s: number;
  lanes: number;
  speed_m_per_min: number;
  cell_length_mm: number;
  stops: { cause: string; t0_s: number; t1_s: number }[];
  spec: Record<string, unknown>;
  subgroup_size: number;
  ewma_lambda: number;
  ewma_L: number;
}

export type WorkerMessage =
  | { type: 'progress'; stage: string; done: number; total: number; unit?: string; t_ms: number }
  | { type: 'shift-start'; info: ShiftStart }
  | { type: 'cells'; batch: ShiftCellBatch; t_now_s: number }
  /** the live Shift view for every SPC quantity (the 'shift' SSE event carries the gauge's) */
  | { type: 'shift'; payloads: Record<SpcQuantity, ShiftPayload> }
  | { type: 'saved' }
  | { type: 'failed'; problems: Problem[]; internal: boolean; message: string };
