// The partial-schemas variant: a connector whose actions declare only some of the properties
// RingCentral takes, as a connector built by hand often does (get-message takes the message id
// but no extension id; list-messages takes some filters only). Membrane drops what an action does
// not declare, so a server must check the live schema per call and take REST for the rest.
import type { Schema } from './schema.js';

/** The properties each action declares under partial-schemas; an action not listed keeps its schema. */
export const PARTIAL: Record<string, string[]> = {
  'list-extensions': ['type', 'status', 'page', 'perPage'],
  'list-messages': ['messageType', 'dateFrom', 'dateTo', 'page', 'perPage'],
  'list-contacts': ['startsWith', 'page', 'perPage'],
  'get-message': ['messageId'],
  'get-call-log': ['dateFrom', 'dateTo', 'type', 'direction', 'view', 'page', 'perPage'],
  'get-active-calls': ['view', 'page', 'perPage'],
  'delete-message': ['messageId'],
  'create-contact': ['firstName', 'lastName', 'company', 'email', 'mobilePhone', 'businessPhone'],
  'update-contact': ['contactId', 'firstName', 'lastName', 'company', 'email', 'mobilePhone', 'businessPhone'],
  'create-chat-post': ['chatId', 'text'],
  'create-meeting': ['name', 'type'],
  'create-team': ['name', 'members'],
};

/** The action's schema with only the properties it declares under partial-schemas. */
export function partialSchema(key: string, schema: Schema): Schema {
  const keep = PARTIAL[key];
  if (!keep) return schema;
  const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([name]) => keep.includes(name)));
  const required = (schema.required ?? []).filter((name) => keep.includes(name));
  const { required: _all, ...rest } = schema;
  return { ...rest, properties, ...(required.length ? { required } : {}) };
}
