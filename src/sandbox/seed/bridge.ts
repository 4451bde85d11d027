// One builder for RingCentral Video bridges, used by the seed and by POST .../bridges.
import { VIDEO } from '../hosts.js';
import type { Bridge } from '../model.js';
import type { BridgeJoinPreferences, BridgePreferences, BridgeRequestSecurity, BridgeResponseSecurity } from '../rc.js';

const digits = (rand: () => number, n: number) => {
  let s = String(1 + Math.floor(rand() * 9));
  while (s.length < n) s += Math.floor(rand() * 10);
  return s;
};
const hex = (rand: () => number, n: number) => {
  let s = '';
  while (s.length < n) s += Math.floor(rand() * 16).toString(16);
  return s;
};

export interface BridgeInput {
  name?: string;
  type?: Bridge['type'];
  security?: BridgeRequestSecurity;
  preferences?: BridgePreferences;
}

const defaultJoin = (): BridgeJoinPreferences => ({
  audioMuted: false,
  videoMuted: false,
  waitingRoomRequired: 'Nobody',
  pstn: { promptAnnouncement: true, promptParticipants: true },
});
const defaultPreferences = (): BridgePreferences => ({
  join: defaultJoin(),
  playTones: 'Off',
  musicOnHold: true,
  joinBeforeHost: true,
  screenSharing: true,
  recordingsMode: 'User',
  transcriptionsMode: 'User',
  allowEveryoneTranscribeMeetings: true,
});

/**
 * The security RingCentral answers for a requested one, applied over `current` (an update): a given
 * password, or protection turned on without one, yields a password with its PSTN form and join hash.
 */
export function bridgeSecurity(
  rand: () => number,
  req: BridgeRequestSecurity,
  current: BridgeResponseSecurity = {},
): BridgeResponseSecurity {
  const protect = req.passwordProtected ?? (req.password !== undefined || current.passwordProtected === true);
  const plainText = !protect ? undefined : (req.password ?? current.password?.plainText ?? hex(rand, 8));
  const password =
    plainText === undefined
      ? undefined
      : plainText === current.password?.plainText
        ? current.password
        : { plainText, pstn: digits(rand, 8), joinQuery: hex(rand, 32) };
  return {
    passwordProtected: protect,
    ...(password ? { password } : {}),
    noGuests: req.noGuests ?? current.noGuests ?? false,
    sameAccount: req.sameAccount ?? current.sameAccount ?? false,
    e2ee: req.e2ee ?? current.e2ee ?? false,
  };
}

/** The join link; it carries the password hash when the bridge has a password. */
export function joinLink(web: string, security: BridgeResponseSecurity): string {
  const joinQuery = security.password?.joinQuery;
  return `${VIDEO}/join/${web}${joinQuery ? `?pw=${joinQuery}` : ''}`;
}

export function makeBridge(rand: () => number, accountId: number, extId: number, input: BridgeInput): Bridge {
  const web = digits(rand, 10);
  const security = bridgeSecurity(rand, input.security ?? {});
  const prefs = input.preferences ?? {};
  return {
    id: `iad41-c0${Math.floor(rand() * 9)}-ndb${hex(rand, 26)}`,
    name: input.name ?? 'Meeting',
    type: input.type ?? 'Instant',
    host: { accountId: String(accountId), extensionId: String(extId) },
    pins: { pstn: { host: digits(rand, 12), participant: digits(rand, 10) }, web, aliases: [] },
    security,
    preferences: { ...defaultPreferences(), ...prefs, join: { ...defaultJoin(), ...prefs.join } },
    discovery: { web: joinLink(web, security) },
  };
}
