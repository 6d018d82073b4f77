/** A BPX cell sent in a request body → the liquid model's parameters, or a 422 Problem naming the field. */
import { BpxError, parseBpx, type LiquidCellParams } from '../electrochem/bpx.ts';
import { HttpProblem } from './http-problems.ts';

export function parseBpxObject(bpx: Record<string, unknown>): LiquidCellParams {
  try {
    return parseBpx(bpx);
  } catch (e) {
    if (e instanceof BpxError) {
      const m = /^([^:]*): (.*)$/s.exec(e.message);
      throw new HttpProblem(422, [
        {
          path: `body.bpx${m ? '.' + m[1]!.replace(/^body\.bpx\.?/, '') : ''}`.replace(/\.$/, ''),
          problem: m ? m[2]! : e.message,
          got: '',
          allowed: 'a valid BPX 0.x cell (bpx-standard)',
        },
      ]);
    }
    throw e;
  }
}
