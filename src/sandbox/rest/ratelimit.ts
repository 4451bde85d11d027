// RingCentral's per-group rate limits. Counting is off unless MEMBRANE_SANDBOX_RATE_LIMITS=1 (tests make
// hundreds of calls); when on, counters persist next to the state file so they span processes.
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { withLock } from '../lock.js';
import { envelope, type Res } from './http.js';
import type { Group } from './router.js';

export const LIMITS: Record<Group, number> = { Light: 50, Medium: 40, Heavy: 10 };
export const WINDOW_S = 60;
export const PENALTY_S = 60;

interface Bucket {
  start: number;
  count: number;
  penaltyUntil: number;
}

export function headers(group: Group, remaining: number): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'X-Rate-Limit-Group': group.toLowerCase(),
    'X-Rate-Limit-Limit': String(LIMITS[group]),
    'X-Rate-Limit-Remaining': String(Math.max(0, remaining)),
    'X-Rate-Limit-Window': String(WINDOW_S),
  };
}

export function tooMany(group: Group, retryAfter = PENALTY_S): Res {
  return {
    status: 429,
    headers: { ...headers(group, 0), 'Retry-After': String(retryAfter) },
    body: envelope('CMN-301', 'Request rate exceeded'),
  };
}

/** Counts one request; returns a 429 response when the group is over its limit or in penalty. */
export function count(statePath: string, group: Group, now: number): { limited?: Res; remaining: number } {
  const file = `${statePath}.ratelimit.json`;
  return withLock(file, () => {
    let all: Record<string, Bucket> = {};
    try {
      all = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      /* first use */
    }
    const b = all[group] ?? { start: now, count: 0, penaltyUntil: 0 };
    let result: { limited?: Res; remaining: number };
    if (now < b.penaltyUntil) {
      // The "429 trap": every request inside the penalty window restarts it.
      b.penaltyUntil = now + PENALTY_S * 1000;
      result = { limited: tooMany(group), remaining: 0 };
    } else {
      if (now - b.start >= WINDOW_S * 1000) {
        b.start = now;
        b.count = 0;
      }
      b.count++;
      if (b.count > LIMITS[group]) {
        b.penaltyUntil = now + PENALTY_S * 1000;
        result = { limited: tooMany(group), remaining: 0 };
      } else result = { remaining: LIMITS[group] - b.count };
    }
    all[group] = b;
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(all));
    renameSync(tmp, file);
    return result;
  });
}
