/** A BPX cell sent in a request body → the liquid model's parameters, or a 422 with each Problem at body.bpx.<field>. */
import { BpxError, parseBpx, type LiquidCellParams } from '../electrochem/bpx.ts';
import { HttpProblem } from './http-problems.ts';

export function parseBpxObject(bpx: Record<string, unknown>): LiquidCellParams {
  try {
    return parseBpx(bpx);
  } catch (e) {
    // the parser's own Problems, each under the request's field (they carry the value found and what is allowed)
    if (e instanceof BpxError)
      throw new HttpProblem(
        422,
        e.problems.map((p) => ({ ...p, path: p.path ? `body.bpx.${p.path}` : 'body.bpx' })),
      );
    throw e;
  }
}
