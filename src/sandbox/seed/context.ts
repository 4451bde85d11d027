import { AREAS } from './names.js';
import type { Profile } from './profile.js';
import { Rng } from './prng.js';

export const DAY = 86_400_000;

/** Shared helpers for the seed generators: randomness, time and fictional numbers. */
export class SeedCtx {
  readonly rng: Rng;
  private pool: string[];
  readonly accountId: number;
  readonly extId: number;
  constructor(
    readonly anchor: number,
    readonly profile: Profile,
  ) {
    this.accountId = profile.accountId;
    this.extId = profile.extId;
    this.rng = new Rng(profile.seed);
    // Every 555-01xx number of every area, shuffled, handed out once each.
    const all: string[] = [];
    for (const [ac] of AREAS) for (let i = 100; i < 200; i++) all.push(`+1${ac}5550${i}`);
    // The first numbers of the home area are kept for the company and the current user (see directory.ts).
    const own = new RegExp(`^\\+1${profile.area}5550(1[0-1]\\d)$`);
    this.pool = this.rng.shuffle(all.filter((n) => !own.test(n)));
  }
  /** ISO time `ms` before the anchor. */
  ago(ms: number): string {
    return new Date(this.anchor - ms).toISOString();
  }
  /** The user's own numbers: +1 <area> 555 0100 (company main) to 0119. */
  own(n: number): string {
    return `+1${this.profile.area}55501${String(n).padStart(2, '0')}`;
  }
  phone(): string {
    const n = this.pool.pop();
    if (!n) throw new Error('seed ran out of fictional numbers');
    return n;
  }
}

export function location(phone: string): string {
  const a = AREAS.find(([ac]) => phone.startsWith(`+1${ac}`));
  return a ? `${a[1]}, ${a[2]}` : 'United States';
}

/**
 * A random age for a record: the first `recent` records land inside the last 24 h
 * (so the default 24 h windows of message-store and call-log are never empty),
 * the rest are spread over 60 days.
 */
export function ageMs(ctx: SeedCtx, i: number, recent: number): number {
  return i < recent ? ctx.rng.int(5 * 60_000, 23 * 3_600_000) : ctx.rng.int(DAY + 60_000, 60 * DAY);
}
