// Shapes of the persisted sandbox state. Records are kept in (almost) the exact
// RingCentral response shape so that rendering is a cheap copy, not a mapping.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Rec = { [k: string]: any };

export interface PhoneNumber {
  id: number;
  phoneNumber: string;
  usageType: string;
  type: string;
  paymentType: string;
  features: string[];
  primary?: boolean;
  label?: string;
}

export interface State {
  v: number;
  /** ISO time all seeded dates are relative to. */
  anchor: string;
  accountId: number;
  extId: number;
  /** Monotonic id counters for records created by writes. */
  next: { contact: number; message: number; post: number; chat: number; bridge: number };
  account: Rec;
  extensions: Rec[];
  phoneNumbers: PhoneNumber[];
  contacts: Rec[];
  messages: Rec[];
  calls: Rec[];
  /** Active calls keep an offset (seconds before "now") so they always look live. */
  active: Rec[];
  chats: Rec[];
  posts: Rec[];
  bridges: Rec[];
  history: Rec[];
}

export const STATE_VERSION = 1;
