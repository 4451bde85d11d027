/** Call log and calls in progress. */
import { z } from 'zod';
import { defineTool, type JsonObject, type ToolContext } from './contract.js';
import { extensionId, isoDate, oneOf } from './fields.js';
import { asArray, compactObject, party } from './format.js';
import { dateWindow, extensionPath, query } from './rest.js';

const compactCall = (r: JsonObject) =>
  compactObject({
    id: r.id,
    time: r.startTime,
    direction: r.direction,
    type: r.type,
    from: party(r.from),
    to: party(r.to),
    duration: r.duration,
    result: r.result,
  });

/** The call-log filters under RingCentral's names, the same on both routes. */
const callLogFilters = async (i: { dateFrom?: string; dateTo?: string; phoneNumber?: string; detailed?: boolean }, ctx: ToolContext) => ({
  ...(({ dateFrom, dateTo }) => ({ dateFrom, dateTo }))(await dateWindow(i, ctx)),
  // RingCentral's call-log filter takes the number without its leading '+' (the only one the field allows).
  phoneNumber: i.phoneNumber?.replace('+', ''),
  view: i.detailed ? 'Detailed' : undefined,
});

/** RingCentral's call-log record (CallLogRecord), for `fields`. */
const CALL_FIELDS = [
  'id',
  'uri',
  'sessionId',
  'telephonySessionId',
  'partyId',
  'startTime',
  'duration',
  'durationMs',
  'type',
  'direction',
  'action',
  'result',
  'reason',
  'reasonDescription',
  'from',
  'to',
  'extension',
  'delegate',
  'delegationType',
  'message',
  'recording',
  'shortRecording',
  'billing',
  'internalType',
  'transport',
  'transferTarget',
  'transferee',
  'sipUuidInfo',
  'metadataCategories',
  'finished',
  'deleted',
  'legs',
  'lastModifiedTime',
] as const;

const direction = oneOf(['Inbound', 'Outbound'] as const);
const callType = oneOf(['Voice', 'Fax'] as const);

export const callTools = [
  defineTool({
    name: 'ringcentral_get_call_log',
    title: 'Call log',
    description: 'Call history, newest first; LAST 24 HOURS unless dateFrom.',
    toolset: 'calls',
    kind: 'read',
    list: { paging: 'page', compact: compactCall, fields: CALL_FIELDS, window: (i, ctx) => dateWindow(i, ctx) },
    input: {
      dateFrom: isoDate(),
      dateTo: isoDate(),
      direction,
      type: callType,
      phoneNumber: z
        .string()
        .regex(/^\+?[1-9]\d{1,14}$/, 'must be an E.164 phone number like +16505550123')
        .optional(),
      detailed: z.boolean().optional(),
      extensionId,
    },
    exec: {
      via: 'either',
      action: {
        key: 'get-call-log',
        sends: ['extensionId', 'dateFrom', 'dateTo', 'direction', 'type', 'phoneNumber', 'view'],
        input: async (i, ctx) =>
          compactObject({
            extensionId: i.extensionId,
            ...(await callLogFilters(i, ctx)),
            direction: asArray(i.direction),
            type: asArray(i.type),
          }),
        defaults: { extensionId: '~' },
      },
      rest: {
        group: 'Heavy',
        call: async (i, ctx) => ({
          method: 'GET',
          path: `${extensionPath(i.extensionId)}/call-log`,
          query: query({ ...(await callLogFilters(i, ctx)), direction: asArray(i.direction), type: asArray(i.type) }),
        }),
      },
    },
  }),
  defineTool({
    name: 'ringcentral_get_active_calls',
    title: 'Active calls',
    description: 'Calls in progress right now on your extension.',
    toolset: 'calls',
    kind: 'read',
    list: { paging: 'page', compact: compactCall, fields: CALL_FIELDS },
    input: { direction, type: callType, extensionId },
    exec: {
      via: 'either',
      action: {
        key: 'get-active-calls',
        sends: ['extensionId', 'direction', 'type'],
        input: (i) => compactObject({ extensionId: i.extensionId, direction: asArray(i.direction), type: asArray(i.type) }),
        defaults: { extensionId: '~' },
      },
      rest: {
        group: 'Heavy',
        call: (i) => ({
          method: 'GET',
          path: `${extensionPath(i.extensionId)}/active-calls`,
          query: query({ direction: asArray(i.direction), type: asArray(i.type) }),
        }),
      },
    },
  }),
];
