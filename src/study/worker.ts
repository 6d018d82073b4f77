/** Worker-thread side of the study pool: evaluates one batch of points (see ./pool.ts). */
import { evaluatePoint, type PointContext, type PointResult, type PointTask } from './point.ts';

export interface BatchTask {
  ctx: PointContext;
  points: PointTask[];
}

export function evaluateBatch(task: BatchTask): PointResult[] {
  return task.points.map((p) => evaluatePoint(task.ctx, p));
}
