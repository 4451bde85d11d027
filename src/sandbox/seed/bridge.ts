// One builder for RingCentral Video bridges, used by the seed and by POST .../bridges.
import { VIDEO } from '../hosts.js';
import type { Rec } from '../model.js';

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
  type?: string;
  security?: Rec;
  preferences?: Rec;
}

export function makeBridge(rand: () => number, accountId: number, extId: number, input: BridgeInput): Rec {
  const web = digits(rand, 10);
  const sec = input.security ?? {};
  const protectedPw = sec.passwordProtected ?? sec.password !== undefined;
  const plain = typeof sec.password === 'string' ? sec.password : protectedPw ? hex(rand, 8) : undefined;
  const joinQuery = plain ? hex(rand, 32) : undefined;
  const prefs = input.preferences ?? {};
  return {
    id: `iad41-c0${Math.floor(rand() * 9)}-ndb${hex(rand, 26)}`,
    name: input.name ?? 'Meeting',
    type: input.type ?? 'Instant',
    host: { accountId: String(accountId), extensionId: String(extId) },
    pins: { pstn: { host: digits(rand, 12), participant: digits(rand, 10) }, web, aliases: [] },
    security: {
      passwordProtected: Boolean(protectedPw),
      ...(plain ? { password: { plainText: plain, pstn: digits(rand, 8), joinQuery } } : {}),
      noGuests: sec.noGuests ?? false,
      sameAccount: sec.sameAccount ?? false,
      e2ee: sec.e2ee ?? false,
    },
    preferences: {
      join: {
        audioMuted: false,
        videoMuted: false,
        waitingRoomRequired: 'Nobody',
        pstn: { promptAnnouncement: true, promptParticipants: true },
        ...(prefs.join ?? {}),
      },
      playTones: 'Off',
      musicOnHold: true,
      joinBeforeHost: true,
      screenSharing: true,
      recordingsMode: 'User',
      transcriptionsMode: 'User',
      allowEveryoneTranscribeMeetings: true,
      ...prefs,
      ...(prefs.join
        ? {
            join: {
              audioMuted: false,
              videoMuted: false,
              waitingRoomRequired: 'Nobody',
              pstn: { promptAnnouncement: true, promptParticipants: true },
              ...prefs.join,
            },
          }
        : {}),
    },
    discovery: { web: `${VIDEO}/join/${web}${joinQuery ? `?pw=${joinQuery}` : ''}` },
  };
}
