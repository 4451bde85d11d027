/** RingCentral Video meetings (bridges: reusable rooms with a join link). */
import { z } from 'zod';
import { defineTool, type JsonObject } from './contract.js';
import { meetingId } from './fields.js';
import { compactObject } from './format.js';

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

const getMeeting = defineTool({
  name: 'ringcentral_get_meeting',
  title: 'Get meeting',
  description: 'A RingCentral Video meeting (bridge): name, join link, PINs, settings.',
  toolset: 'meetings',
  kind: 'read',
  input: { meetingId },
  exec: {
    via: 'either',
    action: { key: 'get-meeting', sends: ['meetingId'], input: (i) => ({ meetingId: i.meetingId }) },
    rest: { group: 'Medium', call: (i) => ({ method: 'GET', path: bridgePath(i.meetingId) }) },
  },
});

export const meetingTools = [
  getMeeting,
  defineTool({
    name: 'ringcentral_create_meeting',
    title: 'Create meeting',
    description: 'Create a RingCentral Video room; join link in discovery.web. Stores no start time.',
    toolset: 'meetings',
    kind: 'write',
    input: {
      name: z.string().min(1).max(256).optional(),
      type: z.enum(['Instant', 'Scheduled', 'PMI']).describe('Default Instant; PMI = your personal room').optional(),
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
    preview: async (i) => ({
      action: 'create meeting',
      ...compactObject({ name: i.name, type: i.type ?? 'Instant', password: i.password ? 'set' : undefined, waitingRoom: i.waitingRoom }),
    }),
  }),
  defineTool({
    name: 'ringcentral_delete_meeting',
    title: 'Delete meeting',
    description: 'Delete a RingCentral Video meeting; its link stops working. Permanent.',
    toolset: 'meetings',
    kind: 'destructive',
    input: { meetingId },
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
