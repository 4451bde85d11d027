/** RingCentral Video meetings (bridges: reusable rooms with a join link). */
import { z } from 'zod';
import { ToolError } from '../src/errors.js';
import { defineTool, type JsonObject, type ToolContext } from './contract.js';
import { isoDate, meetingId } from './fields.js';
import { compactObject } from './format.js';
import { dateWindow, query } from './rest.js';

const summary = (r: JsonObject) =>
  compactObject({
    id: r.id,
    name: r.name,
    type: r.type,
    joinUrl: ((r.discovery ?? {}) as JsonObject).web,
    pin: ((r.pins ?? {}) as JsonObject).web,
  });

const bridgePath = (id: string) => `/rcvideo/v2/bridges/${encodeURIComponent(id)}`;

/** RingCentral's CreateBridgeRequest. */
const bridgeBody = (i: { name?: string; type?: string; password?: string; waitingRoom?: boolean }) =>
  compactObject({
    name: i.name,
    type: i.type,
    security: i.password ? { passwordProtected: true, password: i.password } : undefined,
    preferences: i.waitingRoom === undefined ? undefined : { join: { waitingRoomRequired: i.waitingRoom ? 'Everybody' : 'Nobody' } },
  });

/** A bridge id that RingCentral does not know: deleted (an Instant one lapses after about 3 days), or another person's. */
const noSuchMeeting = (i: { meetingId: string }) => ({
  message: `meetingId ${JSON.stringify(i.meetingId)}: no such meeting (deleted, expired or not yours)`,
  fix: 'take a bridgeId from ringcentral_list_meetings (its personalRoom is your own room), or create one with ringcentral_create_meeting',
});

const getMeeting = defineTool({
  name: 'ringcentral_get_meeting',
  title: 'Get meeting',
  description: 'A video meeting (bridge): join link, PINs, settings.',
  toolset: 'meetings',
  kind: 'read',
  input: { meetingId },
  notFound: noSuchMeeting,
  exec: {
    via: 'either',
    action: { key: 'get-meeting', sends: ['meetingId'], input: (i) => ({ meetingId: i.meetingId }) },
    rest: { group: 'Medium', call: (i) => ({ method: 'GET', path: bridgePath(i.meetingId) }) },
  },
});

/** A past meeting as a person scans for it, with the bridge id the other meeting tools take. */
const compactMeeting = (r: JsonObject) => {
  const recordings = (Array.isArray(r.recordings) ? r.recordings : []) as JsonObject[];
  return compactObject({
    bridgeId: r.bridgeId,
    name: r.displayName,
    start: r.startTime,
    duration: r.duration,
    host: ((r.hostInfo ?? {}) as JsonObject).displayName,
    participants: Array.isArray(r.participants) ? r.participants.length : undefined,
    status: r.status === 'Done' ? undefined : r.status,
    recordings: recordings.length ? recordings.map((x) => x.url ?? x.id) : undefined,
  });
};

/** RingCentral's Meeting record (listVideoMeetings), for `fields`. */
const MEETING_FIELDS = [
  'id',
  'shortId',
  'bridgeId',
  'startTime',
  'displayName',
  'hostInfo',
  'duration',
  'type',
  'status',
  'rights',
  'participants',
  'recordings',
  'transcriptions',
  'notes',
  'summary',
  'chatUrl',
] as const;

/** The history's startTime/endTime filters: epoch milliseconds, not ISO text; a date alone is that day in the account's zone. */
async function historyQuery(i: { name?: string; dateFrom?: string; dateTo?: string }, ctx: ToolContext) {
  const { dateFrom, dateTo } = await dateWindow(i, ctx);
  const ms = (d: string | undefined) => (d === undefined ? undefined : Date.parse(d));
  return query({ text: i.name, startTime: ms(dateFrom), endTime: ms(dateTo) });
}

/** The personal meeting room (RingCentral's default bridge), read once per connection a while. */
const personalRoom = defineTool({
  name: 'ringcentral_personal_room',
  title: 'Personal meeting room',
  description: "The user's personal meeting room (PMI bridge).",
  toolset: 'meetings',
  kind: 'read',
  input: {},
  exec: {
    via: 'rest',
    why: 'no Membrane action reads the default bridge',
    rest: { group: 'Medium', call: () => ({ method: 'GET', path: '/rcvideo/v2/account/~/extension/~/bridges/default' }) },
  },
});

async function personalRoomField(ctx: ToolContext): Promise<JsonObject> {
  try {
    const room = await ctx.cache.get('personal-room', (signal) => ctx.withSignal(signal).read(personalRoom, {}));
    const { id: bridgeId, ...rest } = summary(room);
    return { personalRoom: { bridgeId, ...rest } };
  } catch (error) {
    if (!(error instanceof ToolError)) throw error;
    // No personal room is an answer; any other failure is said, and the history still shown.
    return error.details.upstreamCode === 'CMN-102' ? {} : { personalRoomError: `${error.code}: ${error.message}` };
  }
}

const listMeetings = defineTool({
  name: 'ringcentral_list_meetings',
  title: 'List meetings',
  description: 'Past video meetings, newest first; page 1 adds your personal room.',
  toolset: 'meetings',
  kind: 'read',
  list: {
    paging: 'video',
    compact: compactMeeting,
    maxLimit: 100,
    fields: MEETING_FIELDS,
    extras: async (_i, ctx, firstPage) => (firstPage ? personalRoomField(ctx) : {}),
  },
  input: {
    name: z.string().min(1).max(200).optional(),
    dateFrom: isoDate(),
    dateTo: isoDate(),
  },
  exec: {
    via: 'rest',
    why: 'no Membrane action reads the meeting history',
    rest: {
      group: 'Light',
      call: async (i, ctx) => ({ method: 'GET', path: '/rcvideo/v1/history/meetings', query: await historyQuery(i, ctx) }),
    },
  },
});

export const meetingTools = [
  listMeetings,
  getMeeting,
  defineTool({
    name: 'ringcentral_create_meeting',
    title: 'Create meeting',
    description: 'Create a video meeting room (no start time); link in discovery.web.',
    toolset: 'meetings',
    kind: 'write',
    input: {
      name: z.string().min(1).max(256).optional(),
      type: z.enum(['Instant', 'Scheduled', 'PMI']).optional(),
      password: z.string().min(1).max(64).optional(),
      waitingRoom: z.boolean().optional(),
    },
    exec: {
      via: 'either',
      action: {
        key: 'create-meeting',
        sends: ['name', 'type', 'security.passwordProtected', 'security.password', 'preferences.join.waitingRoomRequired'],
        input: (i) => bridgeBody(i),
      },
      rest: { group: 'Heavy', call: (i) => ({ method: 'POST', path: '/rcvideo/v2/account/~/extension/~/bridges', body: bridgeBody(i) }) },
    },
    invalidates: ['personal-room'],
    preview: async (i) => ({
      action: 'create meeting',
      ...compactObject({ name: i.name, type: i.type ?? 'Instant', password: i.password ? 'set' : undefined, waitingRoom: i.waitingRoom }),
    }),
  }),
  defineTool({
    name: 'ringcentral_delete_meeting',
    title: 'Delete meeting',
    description: 'Delete a video meeting; its link stops working. Permanent.',
    toolset: 'meetings',
    kind: 'destructive',
    input: { meetingId },
    notFound: noSuchMeeting,
    exec: {
      via: 'either',
      action: { key: 'delete-meeting', sends: ['meetingId'], input: (i) => ({ meetingId: i.meetingId }) },
      rest: { group: 'Medium', call: (i) => ({ method: 'DELETE', path: bridgePath(i.meetingId) }) },
    },
    preview: async (i, ctx) => {
      const bridge = await ctx.read(getMeeting, { meetingId: i.meetingId });
      return { action: 'delete meeting (permanent)', meeting: summary(bridge) };
    },
  }),
];
