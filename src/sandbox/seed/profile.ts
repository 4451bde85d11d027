// Who the simulated account is. The default account is fixed; every tenant gets its own, derived
// from its key: its own random seed (so its own people), ids, area code, numbers and user name.
import { fnv } from '../hash.js';
import { AREAS, FIRST, LAST } from './names.js';

export interface Profile {
  seed: number;
  accountId: number;
  extId: number;
  /** Area code of the user's own numbers (+1 <area> 555 01xx). */
  area: string;
  first: string;
  last: string;
}

export const DEFAULT_PROFILE: Profile = {
  seed: 0x5eed2026,
  accountId: 2_091_347_004,
  extId: 2_091_351_004,
  area: '650',
  first: 'Alex',
  last: 'Morgan',
};

export function profileFor(tenant: string | undefined): Profile {
  if (tenant === undefined) return DEFAULT_PROFILE;
  const h = parseInt(fnv(`tenant:${tenant}`), 16);
  const accountId = 3_000_000_004 + (h % 999_983) * 1000;
  return {
    seed: h,
    accountId,
    extId: accountId + 4000,
    area: AREAS[h % AREAS.length][0],
    first: FIRST[(h >>> 8) % FIRST.length],
    last: LAST[(h >>> 16) % LAST.length],
  };
}
