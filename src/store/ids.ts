/**
 * Run ids: 26-character, ULID-like, lexicographically sortable by creation time and unique across
 * processes. Layout (Crockford base32, no I L O U): 10 chars of milliseconds since the Unix epoch
 * (48 bits) + 16 chars of randomness (80 bits, crypto.randomBytes). Within one process ids made in
 * the same millisecond are made monotonic by incrementing the random part, so they still sort in
 * creation order. Across processes two ids collide only if 80 random bits coincide.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_LEN = 10;
const RAND_LEN = 16;
export const RUN_ID_LENGTH = TIME_LEN + RAND_LEN;
const MAX_TIME = 2 ** 48 - 1;

let lastTime = -1;
let lastRand: number[] = [];

function encodeTime(ms: number): string {
  let out = '';
  let t = ms;
  for (let i = 0; i < TIME_LEN; i++) {
    const mod = t % 32;
    out = ALPHABET[mod] + out;
    t = (t - mod) / 32;
  }
  return out;
}

function randomDigits(): number[] {
  const bytes = randomBytes(RAND_LEN);
  return Array.from(bytes, (b) => b & 31);
}

/** Increment a base-32 digit array; returns false on overflow. */
function increment(d: number[]): boolean {
  for (let i = d.length - 1; i >= 0; i--) {
    if (d[i]! < 31) {
      d[i]!++;
      return true;
    }
    d[i] = 0;
  }
  return false;
}

/** A new run id for time `now` (default: the current time). */
export function newRunId(now: number = Date.now()): string {
  if (!Number.isInteger(now) || now < 0 || now > MAX_TIME) {
    throw new RangeError(`newRunId: now must be an integer millisecond time in [0, 2^48) (got ${now})`);
  }
  let rand: number[];
  if (now <= lastTime) {
    // same (or earlier: clock stepped back) millisecond: stay monotonic
    rand = lastRand.slice();
    if (!increment(rand)) rand = randomDigits();
    now = lastTime;
  } else {
    rand = randomDigits();
  }
  lastTime = now;
  lastRand = rand;
  return encodeTime(now) + rand.map((d) => ALPHABET[d]).join('');
}

/** The creation time encoded in a run id (ms since epoch), or null if it is not a run id. */
export function runIdTime(id: string): number | null {
  if (!isRunId(id)) return null;
  let t = 0;
  for (const ch of id.slice(0, TIME_LEN).toUpperCase()) t = t * 32 + ALPHABET.indexOf(ch);
  return t;
}

export function isRunId(id: string): boolean {
  return new RegExp(`^[${ALPHABET}]{${RUN_ID_LENGTH}}$`, 'i').test(id);
}
