// The renamed-inputs variant: a hand-made connector whose actions name their inputs in their own
// words, not RingCentral's. Each entry is the action's live input schema and the translation of
// that input into the REST-shaped input the catalog's request builder takes.
import type { Rec } from '../model.js';
import { bool, contactFields, int, obj, str, strList } from './defs.js';
import type { Schema } from './schema.js';

export interface Renamed {
  inputSchema: Schema;
  toRest: (i: Rec) => Rec;
}

const extension = str('Extension id; "~" (the default) is the current user', { minLength: 1 });
const pageNumber = int('Page number, 1-based', { minimum: 1 });
const pageSize = int('Records per page', { minimum: 1 });
const startDate = str('Start of the period, ISO 8601 (default: 24 hours before endDate)', { format: 'date-time' });
const endDate = str('End of the period, ISO 8601 (default: now)', { format: 'date-time' });
const detailLevel = str('Simple or Detailed', { enum: ['Simple', 'Detailed'] });

/** Keeps only defined values, under the REST names given by `map` (own name -> REST name). */
function rename(i: Rec, map: Record<string, string>): Rec {
  const out: Rec = {};
  for (const [own, rest] of Object.entries(map)) if (i[own] !== undefined) out[rest] = i[own];
  return out;
}

const paging = { pageNumber: 'page', pageSize: 'perPage' };

export const RENAMED: Record<string, Renamed> = {
  'list-extensions': {
    inputSchema: obj('Filters', {
      extensionTypes: strList('Extension types'),
      statuses: strList('Statuses'),
      number: str('Short extension number'),
      emailAddress: str('Email address'),
      pageNumber,
      pageSize,
    }),
    toRest: (i) => rename(i, { extensionTypes: 'type', statuses: 'status', number: 'extensionNumber', emailAddress: 'email', ...paging }),
  },
  'list-chats': {
    inputSchema: obj('Filters', {
      chatTypes: strList('Chat types', ['Personal', 'Direct', 'Group', 'Team', 'Everyone']),
      limit: int('Chats per page', { minimum: 1 }),
      continuationToken: str('Token of the next page'),
    }),
    toRest: (i) => rename(i, { chatTypes: 'type', limit: 'recordCount', continuationToken: 'pageToken' }),
  },
  'list-messages': {
    inputSchema: obj('Filters', {
      extension,
      messageTypes: strList('Message types', ['Fax', 'SMS', 'VoiceMail', 'Pager']),
      directions: strList('Directions', ['Inbound', 'Outbound']),
      readStatuses: strList('Read statuses', ['Read', 'Unread']),
      availabilities: strList('Availability', ['Alive', 'Deleted', 'Purged']),
      startDate,
      endDate,
      conversation: str('Conversation id'),
      contactNumber: str('Phone number of the other party'),
      pageNumber,
      pageSize,
    }),
    toRest: (i) =>
      rename(i, {
        extension: 'extensionId',
        messageTypes: 'messageType',
        directions: 'direction',
        readStatuses: 'readStatus',
        availabilities: 'availability',
        startDate: 'dateFrom',
        endDate: 'dateTo',
        conversation: 'conversationId',
        contactNumber: 'phoneNumber',
        ...paging,
      }),
  },
  'list-contacts': {
    inputSchema: obj('Filters', {
      searchText: str('Name prefix'),
      orderBy: strList('Sort keys', ['FirstName', 'LastName', 'Company']),
      phoneNumbers: strList('Phone numbers'),
      pageNumber,
      pageSize,
    }),
    toRest: (i) => rename(i, { searchText: 'startsWith', orderBy: 'sortBy', phoneNumbers: 'phoneNumber', ...paging }),
  },
  'get-extension-info': {
    inputSchema: obj('Which extension', { id: extension }),
    toRest: (i) => rename(i, { id: 'extensionId' }),
  },
  'get-message': {
    inputSchema: obj('Which message', { id: str('Message id'), extension }, ['id']),
    toRest: (i) => rename(i, { id: 'messageId', extension: 'extensionId' }),
  },
  'get-contact': {
    inputSchema: obj('Which contact', { id: str('Contact id') }, ['id']),
    toRest: (i) => rename(i, { id: 'contactId' }),
  },
  'get-call-log': {
    inputSchema: obj('Filters', {
      extension,
      startDate,
      endDate,
      callTypes: strList('Call types', ['Voice', 'Fax']),
      directions: strList('Directions', ['Inbound', 'Outbound']),
      detailLevel,
      contactNumber: str('Phone number, digits'),
      extensionNum: str('Short extension number'),
      pageNumber,
      pageSize,
    }),
    toRest: (i) =>
      rename(i, {
        extension: 'extensionId',
        startDate: 'dateFrom',
        endDate: 'dateTo',
        callTypes: 'type',
        directions: 'direction',
        detailLevel: 'view',
        contactNumber: 'phoneNumber',
        extensionNum: 'extensionNumber',
        ...paging,
      }),
  },
  'get-meeting': {
    inputSchema: obj('Which meeting', { id: str('Meeting id') }, ['id']),
    toRest: (i) => rename(i, { id: 'meetingId' }),
  },
  'get-account-info': {
    inputSchema: obj('No input', {}),
    toRest: () => ({}),
  },
  'create-contact': {
    inputSchema: obj('The new contact', { fields: obj('Contact fields', contactFields) }, ['fields']),
    toRest: (i) => ({ ...(i.fields as Rec) }),
  },
  'update-contact': {
    inputSchema: obj(
      'Contact and changes',
      {
        id: str('Contact id'),
        fields: obj(
          'Fields to set',
          Object.fromEntries(Object.entries(contactFields).map(([k, s]) => [k, { ...s, type: [s.type as string, 'null'] }])),
        ),
      },
      ['id', 'fields'],
    ),
    toRest: (i) => ({ contactId: i.id, ...(i.fields as Rec) }),
  },
  'create-chat-post': {
    inputSchema: obj('The post', { chat: str('Chat id'), message: str('Text'), replyToPostId: str('Parent post id') }, ['chat', 'message']),
    toRest: (i) => rename(i, { chat: 'chatId', message: 'text', replyToPostId: 'parentPostId' }),
  },
  'create-meeting': {
    inputSchema: obj('Meeting', {
      title: str('Name'),
      meetingType: str('Instant, Scheduled or PMI', { enum: ['Instant', 'Scheduled', 'PMI'] }),
      securitySettings: obj('Security', {}, [], false),
      preferenceSettings: obj('Preferences', {}, [], false),
    }),
    toRest: (i) => rename(i, { title: 'name', meetingType: 'type', securitySettings: 'security', preferenceSettings: 'preferences' }),
  },
  'create-team': {
    inputSchema: obj(
      'Team',
      {
        teamName: str('Name'),
        teamDescription: str('Description'),
        isPublic: bool('Public'),
        memberIds: strList('Person ids'),
        memberEmails: strList('Emails'),
      },
      ['teamName'],
    ),
    toRest: (i) => {
      const members = [
        ...((i.memberIds ?? []) as string[]).map((id) => ({ id })),
        ...((i.memberEmails ?? []) as string[]).map((email) => ({ email })),
      ];
      return {
        ...rename(i, { teamName: 'name', teamDescription: 'description', isPublic: 'public' }),
        ...(members.length ? { members } : {}),
      };
    },
  },
  'delete-message': {
    inputSchema: obj('Which message', { id: str('Message id'), permanently: bool('Purge'), extension }, ['id']),
    toRest: (i) => rename(i, { id: 'messageId', permanently: 'purge', extension: 'extensionId' }),
  },
  'delete-contact': {
    inputSchema: obj('Which contact', { id: str('Contact id') }, ['id']),
    toRest: (i) => rename(i, { id: 'contactId' }),
  },
  'delete-meeting': {
    inputSchema: obj('Which meeting', { id: str('Meeting id') }, ['id']),
    toRest: (i) => rename(i, { id: 'meetingId' }),
  },
  'send-sms': {
    inputSchema: obj(
      'The SMS',
      { fromNumber: str('Sender number, E.164'), toNumbers: strList('Recipient numbers, E.164'), message: str('Text') },
      ['fromNumber', 'toNumbers', 'message'],
    ),
    toRest: (i) => ({
      from: { phoneNumber: i.fromNumber },
      to: (i.toNumbers as string[]).map((phoneNumber) => ({ phoneNumber })),
      text: i.message,
    }),
  },
  'get-active-calls': {
    inputSchema: obj('Filters', {
      extension,
      directions: strList('Directions', ['Inbound', 'Outbound']),
      detailLevel,
      callTypes: strList('Call types', ['Voice', 'Fax']),
      pageNumber,
      pageSize,
    }),
    toRest: (i) => rename(i, { extension: 'extensionId', directions: 'direction', detailLevel: 'view', callTypes: 'type', ...paging }),
  },
};
