// Shapes of the persisted sandbox state. Records are kept in the exact RingCentral response shape
// (typed with RingCentral's own definitions) so that rendering is a cheap copy, not a mapping.
import type {
  AccountInfo,
  BridgePinsWithAliases,
  BridgeResponse,
  CallLogRecord,
  ExtensionInfo,
  MessageInfo,
  PersonalContactResource,
  TMChatInfo,
  TMPostInfo,
  UserPhoneNumberInfo,
  VideoMeeting,
} from './rc.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a free-form RingCentral JSON record, read field by field as in the API
export type Rec = { [k: string]: any };

/** A RingCentral definition with the fields the sandbox always fills made required. */
type With<T, K extends keyof T> = T & Required<Pick<T, K>>;

export type Account = With<AccountInfo, 'id' | 'uri' | 'regionalSettings'>;
export type Extension = With<ExtensionInfo, 'id' | 'uri' | 'extensionNumber' | 'name' | 'type' | 'status' | 'contact' | 'profileImage'>;
export type PhoneNumber = With<UserPhoneNumberInfo, 'id' | 'phoneNumber' | 'usageType' | 'type' | 'paymentType' | 'features'>;
export type Contact = With<PersonalContactResource, 'id' | 'uri'>;
/** A message-store record; `_` fields are the sandbox's own bookkeeping and never leave it. */
export type Message = With<
  MessageInfo,
  'id' | 'uri' | 'type' | 'direction' | 'creationTime' | 'lastModifiedTime' | 'availability' | 'from' | 'to'
> & {
  /** Sent through the sandbox: its status advances on reads, and its times are the user's own. */
  _sent?: boolean;
  /** Text served at the AudioTranscription attachment's content URI. */
  _transcript?: string;
  /** lastModifiedTime was set by a user's write (a delete), so it is not shifted with the seed. */
  _userModified?: boolean;
};
export type CallRecord = With<CallLogRecord, 'id' | 'uri' | 'startTime' | 'duration' | 'type' | 'direction' | 'result' | 'from' | 'to'>;
/** A call in progress: its start and duration are computed from `offsetSec` whenever it is read. */
export interface ActiveCall {
  offsetSec: number;
  rec: Omit<CallRecord, 'startTime' | 'duration'>;
}
/** `_user`: created by a write; `_userModified`: lastModifiedTime set by a user's post. */
export type Chat = With<TMChatInfo, 'id' | 'type' | 'creationTime' | 'lastModifiedTime' | 'members'> & {
  _user?: boolean;
  _userModified?: boolean;
};

/** `_user`: created by a write, so its times are the user's own. */
export type Post = With<
  TMPostInfo,
  'id' | 'groupId' | 'type' | 'text' | 'creatorId' | 'creationTime' | 'lastModifiedTime' | 'attachments' | 'mentions'
> & { _user?: boolean };
export type Bridge = With<BridgeResponse, 'id' | 'name' | 'type' | 'host' | 'security' | 'preferences' | 'discovery'> & {
  pins: With<BridgePinsWithAliases, 'web'>;
};
/** A past RingCentral Video meeting; `_deleted`: listed only under type=Deleted. */
export type Meeting = With<
  VideoMeeting,
  | 'id'
  | 'shortId'
  | 'bridgeId'
  | 'startTime'
  | 'displayName'
  | 'hostInfo'
  | 'duration'
  | 'type'
  | 'status'
  | 'rights'
  | 'participants'
  | 'recordings'
> & { _deleted?: boolean };

export interface State {
  v: number;
  /** ISO time the seeded dates are relative to; moved to "now" on every run (timeline.ts). */
  anchor: string;
  accountId: number;
  extId: number;
  /** Monotonic id counters for records created by writes. */
  next: { contact: number; message: number; post: number; chat: number; bridge: number };
  account: Account;
  extensions: Extension[];
  phoneNumbers: PhoneNumber[];
  contacts: Contact[];
  messages: Message[];
  calls: CallRecord[];
  /** Active calls keep an offset (seconds before "now") so they always look live. */
  active: ActiveCall[];
  chats: Chat[];
  posts: Post[];
  bridges: Bridge[];
  history: Meeting[];
}

/** Raised whenever the stored record shapes change: an older state file then asks for a reset. */
export const STATE_VERSION = 2;
