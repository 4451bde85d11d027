// The 20 RingCentral actions of the Membrane connector: keys, schemas and the REST call behind each.
// Input property names are a contract with the MCP server: they mirror RingCentral's own names.
import { fnv } from '../hash.js';
import type { Rec } from '../model.js';
import type { Query, Req } from '../rest/http.js';
import type { Schema } from './schema.js';
import { bool, contactFields, dateFrom, dateTo, extensionId, int, listOutput, obj, page, perPage, record, str, strList } from './defs.js';

export interface Action {
  key: string;
  name: string;
  description: string;
  inputSchema: Schema;
  outputSchema: Schema;
  /** Paging style of a list action (used by the records-cursor variant). */
  paging?: 'A' | 'B';
  /** Delete actions: RingCentral answers 204, the run has no output. */
  noOutput?: boolean;
  /** The REST call; `variants` only matters where a connector's semantics differ (replace-update). */
  request: (input: Rec, variants: Set<string>) => Req;
}

const e = encodeURIComponent;
const EXT = (i: Rec) => `/restapi/v1.0/account/~/extension/${e(i.extensionId ?? '~')}`;

/** Copies the named inputs into query parameters (arrays become repeated parameters). */
function q(i: Rec, names: string[]): Query {
  const out: Query = {};
  for (const n of names) {
    const v = i[n];
    if (v === undefined || v === null) continue;
    out[n] = Array.isArray(v) ? v.map(String) : [String(v)];
  }
  return out;
}
const get = (path: string, query: Query = {}): Req => ({ method: 'GET', path, query, headers: {} });
const send = (method: string, path: string, body?: unknown, query: Query = {}): Req => ({ method, path, query, body, headers: {} });
const without = (i: Rec, ...keys: string[]) => Object.fromEntries(Object.entries(i).filter(([k]) => !keys.includes(k)));

const extensionRecord = record('An extension', {
  id: int('Internal extension id'),
  uri: str('Canonical URI'),
  extensionNumber: str('Short extension number'),
  name: str('Display name'),
  type: str('Extension type (User, Department = call queue, IvrMenu, ...)'),
  status: str('Enabled, Disabled, NotActivated, ...'),
  contact: obj('Contact details', {}, [], false),
});
const messageRecord = record('A message-store record', {
  id: int('Message id'),
  type: str('SMS, VoiceMail, Fax, Pager or Text'),
  direction: str('Inbound or Outbound'),
  creationTime: str('ISO 8601 UTC'),
  readStatus: str('Read or Unread'),
  availability: str('Alive, Deleted or Purged'),
  messageStatus: str('Queued, Sent, Delivered, DeliveryFailed, SendingFailed or Received'),
  subject: str('SMS text or message subject'),
  from: obj('Sender', {}, [], false),
  to: { type: 'array', description: 'Recipients', items: obj('Recipient', {}, [], false) },
  conversation: obj('Conversation (use its string id)', { id: str('Conversation id'), uri: str('URI') }, [], false),
});
const contactRecord = record('A personal contact', {
  id: int('Contact id'),
  uri: str('Canonical URI'),
  availability: str('Alive'),
  ...contactFields,
});
const callRecord = record('A call-log record', {
  id: str('Call record id'),
  sessionId: str('Session id'),
  startTime: str('ISO 8601 UTC'),
  duration: int('Seconds'),
  type: str('Voice or Fax'),
  direction: str('Inbound or Outbound'),
  action: str('e.g. Phone Call, VoIP Call'),
  result: str('e.g. Accepted, Missed, Voicemail, Call connected, In Progress'),
  from: obj('Caller', {}, [], false),
  to: obj('Callee', {}, [], false),
  legs: { type: 'array', description: 'Call segments (Detailed view only)', items: obj('Leg', {}, [], false) },
});
const chatRecord = record('A team-messaging chat', {
  id: str('Chat id'),
  type: str('Personal, Direct, Group, Team or Everyone'),
  name: str('Team/Everyone name'),
  description: str('Team/Everyone description'),
  public: bool('Team only: anyone in the company can join'),
  status: str('Team only: Active or Archived'),
  creationTime: str('ISO 8601 UTC'),
  lastModifiedTime: str('ISO 8601 UTC'),
  members: { type: 'array', description: 'Member person ids', items: obj('Member', { id: str('Person id') }, [], false) },
});
const bridgeRecord = record('A RingCentral Video bridge (meeting room)', {
  id: str('Bridge id'),
  name: str('Name'),
  type: str('Instant, Scheduled or PMI'),
  host: obj('Host', { accountId: str('Account id'), extensionId: str('Extension id') }, [], false),
  pins: obj('PINs', { web: str('Web PIN'), pstn: obj('Dial-in PINs', {}, [], false) }, [], false),
  security: obj('Security settings', {}, [], false),
  preferences: obj('Preferences', {}, [], false),
  discovery: obj('Join links', { web: str('Join URL') }, [], false),
});
const noOutput: Schema = { type: 'object', description: 'No output: RingCentral answers 204 No Content', properties: {} };

const MESSAGE_TYPES = ['Fax', 'SMS', 'VoiceMail', 'Pager'];
const DIRECTIONS = ['Inbound', 'Outbound'];

export const ACTIONS: Action[] = [
  {
    key: 'list-extensions',
    name: 'List Extensions',
    paging: 'A',
    description:
      'List the extensions (users, call queues, IVR menus, ...) of the RingCentral account, with their ids, extension numbers, names, emails and status. Use it to find extension ids and person ids.',
    inputSchema: obj('Filters and paging', {
      type: strList('Extension types to include, e.g. User, Department (a call queue), IvrMenu'),
      status: strList('Statuses to include', ['Enabled', 'Disabled', 'Frozen', 'NotActivated', 'Unassigned']),
      extensionNumber: str('Only the extension with this short number (e.g. "101")'),
      email: str('Only the extension with this email address'),
      page,
      perPage,
    }),
    outputSchema: listOutput('extensions', extensionRecord),
    request: (i) => get('/restapi/v1.0/account/~/extension', q(i, ['type', 'status', 'extensionNumber', 'email', 'page', 'perPage'])),
  },
  {
    key: 'list-chats',
    name: 'List Chats',
    paging: 'B',
    description:
      'List the team-messaging chats the user is in (Personal, Direct, Group, Team, Everyone) plus public teams they can join, oldest first. Gives the chat ids needed to post messages.',
    inputSchema: obj('Filters and paging', {
      type: strList('Chat types to include (default all)', ['Personal', 'Direct', 'Group', 'Team', 'Everyone']),
      recordCount: int('Chats per page (default 30, at most 250)', { minimum: 1 }),
      pageToken: str('Token from navigation.nextPageToken or prevPageToken of a previous page; it carries the original filters'),
    }),
    outputSchema: obj(
      'A page of chats',
      {
        records: { type: 'array', description: 'The chats', items: chatRecord },
        navigation: obj('Page tokens', { prevPageToken: str('Previous page'), nextPageToken: str('Next page') }, [], false),
      },
      ['records'],
      false,
    ),
    request: (i) => get('/team-messaging/v1/chats', q(i, ['type', 'recordCount', 'pageToken'])),
  },
  {
    key: 'list-messages',
    name: 'List Messages',
    paging: 'A',
    description:
      "List the user's messages (SMS, voicemail, fax) newest first. Without dates it covers only the last 24 hours: pass dateFrom for older ones.",
    inputSchema: obj('Filters and paging', {
      extensionId,
      messageType: strList('Message types to include', MESSAGE_TYPES),
      direction: strList('Directions to include', DIRECTIONS),
      readStatus: strList('Read statuses to include', ['Read', 'Unread']),
      availability: strList('Availability to include (default Alive)', ['Alive', 'Deleted', 'Purged']),
      dateFrom,
      dateTo,
      conversationId: str('Only messages of this conversation (use conversation.id, a string)'),
      phoneNumber: str('Only messages from or to this phone number (E.164)'),
      page,
      perPage,
    }),
    outputSchema: listOutput('messages', messageRecord),
    request: (i) =>
      get(
        `${EXT(i)}/message-store`,
        q(i, [
          'messageType',
          'direction',
          'readStatus',
          'availability',
          'dateFrom',
          'dateTo',
          'conversationId',
          'phoneNumber',
          'page',
          'perPage',
        ]),
      ),
  },
  {
    key: 'list-contacts',
    name: 'List Contacts',
    paging: 'A',
    description: "List the user's personal contacts (address book), optionally filtered by name prefix or phone number.",
    inputSchema: obj('Filters and paging', {
      startsWith: str('Only contacts whose first or last name starts with this text (case-insensitive)'),
      sortBy: strList('Sort keys, in order', ['FirstName', 'LastName', 'Company']),
      phoneNumber: strList('Only contacts with one of these phone numbers (E.164)'),
      page,
      perPage,
    }),
    outputSchema: listOutput('contacts', contactRecord),
    request: (i) =>
      get('/restapi/v1.0/account/~/extension/~/address-book/contact', q(i, ['startsWith', 'sortBy', 'phoneNumber', 'page', 'perPage'])),
  },
  {
    key: 'get-extension-info',
    name: 'Get Extension Info',
    description:
      'Get one extension (default: the current user) with contact details, regional settings, permissions and, for the current user, service features.',
    inputSchema: obj('Which extension', { extensionId }),
    outputSchema: extensionRecord,
    request: (i) => get(EXT(i)),
  },
  {
    key: 'get-message',
    name: 'Get Message',
    description: 'Get one message-store record (SMS, voicemail or fax) by id, including its delivery status.',
    inputSchema: obj('Which message', { extensionId, messageId: str('Message id from List Messages (digits)') }, ['messageId']),
    outputSchema: messageRecord,
    request: (i) => get(`${EXT(i)}/message-store/${e(i.messageId)}`),
  },
  {
    key: 'get-contact',
    name: 'Get Contact',
    description: 'Get one personal contact by id.',
    inputSchema: obj('Which contact', { contactId: str('Contact id from List Contacts (digits)') }, ['contactId']),
    outputSchema: contactRecord,
    request: (i) => get(`/restapi/v1.0/account/~/extension/~/address-book/contact/${e(i.contactId)}`),
  },
  {
    key: 'get-call-log',
    name: 'Get Call Log',
    paging: 'A',
    description:
      "List the user's call-log records newest first. Without dates it covers only the last 24 hours. view=Detailed adds the call legs.",
    inputSchema: obj('Filters and paging', {
      extensionId,
      dateFrom,
      dateTo,
      type: strList('Call types to include', ['Voice', 'Fax']),
      direction: strList('Directions to include', DIRECTIONS),
      view: str('Simple (default) or Detailed (adds legs)', { enum: ['Simple', 'Detailed'] }),
      phoneNumber: str('Only calls from or to this number: E.164 digits without "+" (cannot be combined with extensionNumber)'),
      extensionNumber: str('Only calls from or to this short extension number'),
      page,
      perPage,
    }),
    outputSchema: listOutput('call-log records', callRecord),
    request: (i) =>
      get(
        `${EXT(i)}/call-log`,
        q(i, ['dateFrom', 'dateTo', 'type', 'direction', 'view', 'phoneNumber', 'extensionNumber', 'page', 'perPage']),
      ),
  },
  {
    key: 'get-meeting',
    name: 'Get Meeting',
    description: 'Get a RingCentral Video meeting (bridge) by id: name, type, PINs, security and the web join link.',
    inputSchema: obj('Which meeting', { meetingId: str('Bridge id, as returned by Create Meeting') }, ['meetingId']),
    outputSchema: bridgeRecord,
    request: (i) => get(`/rcvideo/v2/bridges/${e(i.meetingId)}`),
  },
  {
    key: 'get-account-info',
    name: 'Get Account Info',
    description: 'Get the RingCentral account: id, main number, status, service plan and regional settings.',
    inputSchema: obj('No input', {}),
    outputSchema: record('The account', {
      id: int('Account id'),
      mainNumber: str('Main company number, E.164'),
      status: str('Account status'),
      serviceInfo: obj('Brand and plan', {}, [], false),
    }),
    request: () => get('/restapi/v1.0/account/~'),
  },
  {
    key: 'create-contact',
    name: 'Create Contact',
    description: 'Create a personal contact in the user\'s address book. No field is required; phones are E.164 with "+".',
    inputSchema: obj('The contact', contactFields),
    outputSchema: contactRecord,
    request: (i) => send('POST', '/restapi/v1.0/account/~/extension/~/address-book/contact', i),
  },
  {
    key: 'update-contact',
    name: 'Update Contact',
    description: 'Update a personal contact: the given fields replace the old values, a field set to null is removed, others stay.',
    inputSchema: obj(
      'Contact id and the fields to change',
      {
        contactId: str('Contact id from List Contacts (digits)'),
        ...Object.fromEntries(
          Object.entries(contactFields).map(([k, s]) => [
            k,
            { ...s, type: [s.type as string, 'null'], description: `${s.description}; null removes it` },
          ]),
        ),
      },
      ['contactId'],
    ),
    outputSchema: contactRecord,
    // A replacing connector sends RingCentral's PUT: every field it was not given is cleared.
    request: (i, v) =>
      send(
        v.has('replace-update') ? 'PUT' : 'PATCH',
        `/restapi/v1.0/account/~/extension/~/address-book/contact/${e(i.contactId)}`,
        without(i, 'contactId'),
      ),
  },
  {
    key: 'create-chat-post',
    name: 'Create Chat Post',
    description: 'Post a text message into a team-messaging chat (get chat ids from List Chats). Mention people with ![:Person](personId).',
    inputSchema: obj(
      'The post',
      {
        chatId: str('Chat id from List Chats'),
        text: str('Message text, at most 10000 characters'),
        parentPostId: str('Reply in the thread of this post'),
      },
      ['chatId', 'text'],
    ),
    outputSchema: record('The created post', {
      id: str('Post id'),
      groupId: str('Chat id'),
      text: str('Text'),
      creatorId: str('Author person id'),
      creationTime: str('ISO 8601 UTC'),
      type: str('TextMessage'),
    }),
    request: (i) => send('POST', `/team-messaging/v1/chats/${e(i.chatId)}/posts`, without(i, 'chatId')),
  },
  {
    key: 'create-meeting',
    name: 'Create Meeting',
    description:
      'Create a RingCentral Video meeting room (bridge) and get its join link. No start time is stored: put the link in a calendar invite.',
    inputSchema: obj('Meeting settings (all optional)', {
      name: str('Meeting name'),
      type: str('Instant (default, kept about 3 days), Scheduled, or PMI (personal room)', { enum: ['Instant', 'Scheduled', 'PMI'] }),
      security: obj('Security settings', {
        passwordProtected: bool('Require a password'),
        password: str('Password (generated when protected and omitted)'),
        noGuests: bool('Only authenticated users may join'),
        sameAccount: bool('Only users of this account may join'),
        e2ee: bool('End-to-end encryption'),
      }),
      preferences: obj('Preferences (join settings, tones, recording modes, ...)', {}, [], false),
    }),
    outputSchema: bridgeRecord,
    request: (i) => send('POST', '/rcvideo/v2/account/~/extension/~/bridges', i),
  },
  {
    key: 'create-team',
    name: 'Create Team',
    description:
      'Create a team-messaging team (a named group chat) with members given by person id or email. It then appears in List Chats as type Team.',
    inputSchema: obj(
      'The team',
      {
        name: str('Team name'),
        description: str('Team description'),
        public: bool('Whether anyone in the company can find and join it'),
        members: {
          type: 'array',
          description: 'Members, each {id} (person id = extension id) or {email}',
          items: {
            anyOf: [obj('By person id', { id: str('Person id') }, ['id']), obj('By email', { email: str('Email address') }, ['email'])],
            description: 'A member',
          },
        },
      },
      ['name'],
    ),
    outputSchema: record('The created team', {
      id: str('Team (chat) id'),
      type: str('Team'),
      name: str('Name'),
      description: str('Description'),
      public: bool('Public'),
      status: str('Active'),
      creationTime: str('ISO 8601 UTC'),
    }),
    request: (i) => send('POST', '/team-messaging/v1/teams', i),
  },
  {
    key: 'delete-message',
    name: 'Delete Message',
    noOutput: true,
    description: 'Delete a message: the first delete moves it to Deleted (restorable), a second delete or purge=true purges it.',
    inputSchema: obj(
      'Which message',
      {
        messageId: str('Message id from List Messages (digits); never empty'),
        purge: bool('Purge at once instead of moving to Deleted'),
        extensionId,
      },
      ['messageId'],
    ),
    outputSchema: noOutput,
    request: (i) => send('DELETE', `${EXT(i)}/message-store/${e(i.messageId)}`, undefined, q(i, ['purge'])),
  },
  {
    key: 'delete-contact',
    name: 'Delete Contact',
    noOutput: true,
    description: 'Delete a personal contact by id.',
    inputSchema: obj('Which contact', { contactId: str('Contact id from List Contacts (digits)') }, ['contactId']),
    outputSchema: noOutput,
    request: (i) => send('DELETE', `/restapi/v1.0/account/~/extension/~/address-book/contact/${e(i.contactId)}`),
  },
  {
    key: 'delete-meeting',
    name: 'Delete Meeting',
    noOutput: true,
    description: 'Delete a RingCentral Video meeting (bridge) by id.',
    inputSchema: obj('Which meeting', { meetingId: str('Bridge id') }, ['meetingId']),
    outputSchema: noOutput,
    request: (i) => send('DELETE', `/rcvideo/v2/bridges/${e(i.meetingId)}`),
  },
  {
    key: 'send-sms',
    name: 'Send SMS',
    description:
      'Send an SMS from one of the user\'s SMS-capable numbers (features include SmsSender) to up to 10 recipients. Numbers are E.164 with "+"; text is 1 to 1000 characters. The message starts Queued.',
    inputSchema: obj(
      'The message',
      {
        from: obj('Sender', { phoneNumber: str("One of the user's SMS-capable numbers, E.164 (e.g. +16505550101)") }, ['phoneNumber']),
        to: {
          type: 'array',
          description: 'Recipients (at most 10)',
          items: obj('Recipient', { phoneNumber: str('Recipient number, E.164') }, ['phoneNumber']),
        },
        text: str('Message text, 1 to 1000 UTF-16 code units'),
      },
      ['from', 'to', 'text'],
    ),
    outputSchema: messageRecord,
    request: (i) => send('POST', '/restapi/v1.0/account/~/extension/~/sms', i),
  },
  {
    key: 'get-active-calls',
    name: 'Get Active Calls',
    paging: 'A',
    description: 'List the user\'s calls in progress right now (result "In Progress"), newest first.',
    inputSchema: obj('Filters and paging', {
      extensionId,
      direction: strList('Directions to include', DIRECTIONS),
      view: str('Simple (default) or Detailed (adds legs)', { enum: ['Simple', 'Detailed'] }),
      type: strList('Call types to include', ['Voice', 'Fax']),
      page,
      perPage,
    }),
    outputSchema: listOutput('active calls', callRecord),
    request: (i) => get(`${EXT(i)}/active-calls`, q(i, ['direction', 'view', 'type', 'page', 'perPage'])),
  },
];

/** Deterministic id, distinct from the key: `act_` + 12 hex chars derived from the key. */
export function actionId(key: string): string {
  return 'act_' + (fnv(`ringcentral:${key}`) + fnv(`${key}:ringcentral`)).slice(0, 12);
}
