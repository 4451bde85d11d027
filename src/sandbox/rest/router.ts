// Maps method + path to a handler, with each endpoint's rate-limit group and app permission
// (the endpoints our tools use plus the extra paths the sandbox serves).
import type { Handler, Params, Res } from './http.js';

export type Group = 'Light' | 'Medium' | 'Heavy';

type Module = Record<string, Handler>;
// Domain modules load on demand: a command pays only for the one it uses (startup time matters).
const account = async () => require('./account.js') as Module;
const calls = async () => require('./calls.js') as Module;
const chats = async () => require('./chats.js') as Module;
const contacts = async () => require('./contacts.js') as Module;
const directory = async () => require('./directory.js') as Module;
const messages = async () => require('./messages.js') as Module;
const video = async () => require('./video.js') as Module;

export interface Route {
  method: string;
  parts: string[];
  group: Group;
  perm: string;
  write: boolean;
  load: () => Promise<Module>;
  fn: string;
}

const EXT = '/restapi/v1.0/account/:accountId/extension/:extensionId';
const ROUTES: Route[] = [];
function add(method: string, path: string, group: Group, perm: string, load: () => Promise<Module>, fn: string): void {
  ROUTES.push({ method, parts: path.split('/').slice(1), group, perm, write: method !== 'GET', load, fn });
}

add('GET', '/restapi/v1.0/account/:accountId', 'Light', 'ReadAccounts', account, 'getAccount');
add('GET', '/restapi/v1.0/account/:accountId/extension', 'Medium', 'ReadAccounts', account, 'listExtensions');
add('POST', '/restapi/v1.0/account/:accountId/directory/entries/search', 'Heavy', 'ReadAccounts', directory, 'searchDirectory');
add('GET', EXT, 'Light', 'ReadAccounts', account, 'getExtension');
add('GET', `${EXT}/phone-number`, 'Light', 'ReadAccounts', account, 'listPhoneNumbers');
add('GET', `${EXT}/presence`, 'Light', 'ReadPresence', account, 'getPresence');
add('GET', `${EXT}/message-store`, 'Light', 'ReadMessages', messages, 'listMessages');
add('DELETE', `${EXT}/message-store`, 'Medium', 'EditMessages', messages, 'deleteMailbox');
add('GET', `${EXT}/message-store/:messageId`, 'Light', 'ReadMessages', messages, 'getMessage');
add('GET', `${EXT}/message-store/:messageId/content/:attachmentId`, 'Medium', 'ReadMessages', messages, 'getContent');
add('DELETE', `${EXT}/message-store/:messageId`, 'Medium', 'EditMessages', messages, 'deleteMessage');
add('PATCH', `${EXT}/message-store/:messageId`, 'Medium', 'EditMessages', messages, 'patchMessage');
add('POST', `${EXT}/sms`, 'Medium', 'SMS', messages, 'sendSms');
add('GET', `${EXT}/address-book/contact`, 'Heavy', 'ReadContacts', contacts, 'listContacts');
add('POST', `${EXT}/address-book/contact`, 'Heavy', 'Contacts', contacts, 'createContact');
add('GET', `${EXT}/address-book/contact/:contactId`, 'Heavy', 'ReadContacts', contacts, 'getContact');
add('PUT', `${EXT}/address-book/contact/:contactId`, 'Heavy', 'Contacts', contacts, 'putContact');
add('PATCH', `${EXT}/address-book/contact/:contactId`, 'Heavy', 'Contacts', contacts, 'patchContact');
add('DELETE', `${EXT}/address-book/contact/:contactId`, 'Heavy', 'Contacts', contacts, 'deleteContact');
add('GET', `${EXT}/call-log`, 'Heavy', 'ReadCallLog', calls, 'callLog');
add('GET', `${EXT}/call-log/:callRecordId`, 'Heavy', 'ReadCallLog', calls, 'callRecord');
add('GET', `${EXT}/active-calls`, 'Heavy', 'ReadCallLog', calls, 'activeCalls');
add('GET', '/team-messaging/v1/chats', 'Medium', 'TeamMessaging', chats, 'listChats');
add('GET', '/team-messaging/v1/chats/:chatId', 'Light', 'TeamMessaging', chats, 'getChat');
add('GET', '/team-messaging/v1/chats/:chatId/posts', 'Medium', 'TeamMessaging', chats, 'listPosts');
add('POST', '/team-messaging/v1/chats/:chatId/posts', 'Medium', 'TeamMessaging', chats, 'createPost');
add('POST', '/team-messaging/v1/conversations', 'Medium', 'TeamMessaging', chats, 'createConversation');
add('GET', '/team-messaging/v1/teams', 'Medium', 'TeamMessaging', chats, 'listTeams');
add('POST', '/team-messaging/v1/teams', 'Medium', 'TeamMessaging', chats, 'createTeam');
add('POST', '/rcvideo/v2/account/:accountId/extension/:extensionId/bridges', 'Heavy', 'Video', video, 'createBridge');
add('GET', '/rcvideo/v2/account/:accountId/extension/:extensionId/bridges/default', 'Medium', 'Video', video, 'defaultBridge');
add('GET', '/rcvideo/v2/bridges/pin/web/:pin', 'Medium', 'Video', video, 'bridgeByPin');
add('GET', '/rcvideo/v2/bridges/:bridgeId', 'Medium', 'Video', video, 'getBridge');
add('PATCH', '/rcvideo/v2/bridges/:bridgeId', 'Medium', 'Video', video, 'patchBridge');
add('DELETE', '/rcvideo/v2/bridges/:bridgeId', 'Medium', 'Video', video, 'deleteBridge');
add('GET', '/rcvideo/v1/history/meetings', 'Light', 'Video', video, 'meetingHistory');

function matchParts(route: Route, segs: string[]): Params | undefined {
  if (route.parts.length !== segs.length) return undefined;
  const params: Params = {};
  for (let i = 0; i < segs.length; i++) {
    const want = route.parts[i];
    if (want.startsWith(':')) params[want.slice(1)] = segs[i];
    else if (want !== segs[i]) return undefined;
  }
  return params;
}

export interface Match {
  route: Route;
  params: Params;
}

/**
 * A trailing slash on a DELETE first matches a route with an empty last parameter (so
 * `DELETE .../message-store/` reaches deleteMessage with no id, which RingCentral treats as
 * "every message"); on other methods the path without the slash is tried first.
 */
export function match(method: string, path: string): Match | undefined {
  let segs: string[];
  try {
    segs = path.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return undefined;
  }
  const tries = [segs];
  if (segs.length > 1 && segs[segs.length - 1] === '') {
    if (method === 'DELETE') tries.push(segs.slice(0, -1));
    else tries.unshift(segs.slice(0, -1));
  }
  for (const s of tries) {
    for (const r of ROUTES) {
      if (r.method !== method) continue;
      const params = matchParts(r, s);
      if (params) return { route: r, params };
    }
  }
  return undefined;
}

/** What RingCentral's API gateway answers for a path no service serves. */
export function notFoundRoute(): Res {
  return { status: 404, headers: { 'Content-Type': 'application/json' }, body: { errorCode: 'AGW-404', message: 'Resource not found' } };
}
