/** Personal contacts (the user's address book). */
import { z } from 'zod';
import { isObject } from '../src/json.js';
import { ToolError } from '../src/errors.js';
import { defineTool, type JsonObject, type ToolContext } from './contract.js';
import { email, numericId, phone } from './fields.js';
import { asArray, compactObject } from './format.js';
import { query } from './rest.js';

const text = (max: number) => z.string().max(max).optional();
const address = z
  .object({
    street: z.string().optional(),
    city: z.string().optional(),
    state: z.string().optional(),
    zip: z.string().optional(),
    country: z.string().optional(),
  })
  .strict()
  .optional();

/** RingCentral's contact fields under their own names. */
const contactFields = {
  firstName: text(64),
  lastName: text(64),
  company: text(256),
  jobTitle: text(256),
  email: email.optional(),
  mobilePhone: phone.optional(),
  businessPhone: phone.optional(),
  homePhone: phone.optional(),
  notes: text(1000),
  businessAddress: address,
};
type ContactFields = { [K in keyof typeof contactFields]?: unknown };

const contactId = numericId('contacts');

/**
 * A contact as one line a person scans: "Name (Company) phone email", with one phone (mobile
 * first). One string instead of four keys keeps a page of contacts small.
 */
const compactContact = (r: JsonObject) => {
  const name = [r.firstName, r.lastName].filter(Boolean).join(' ');
  const company = r.company ? (name ? `(${String(r.company)})` : r.company) : undefined;
  const card = [name, company, r.mobilePhone ?? r.businessPhone ?? r.homePhone, r.email].filter(Boolean).join(' ');
  return compactObject({ id: r.id, card: card || undefined });
};

/** RingCentral's contact record (PersonalContactResource), for `fields`. */
const CONTACT_FIELDS = [
  'id',
  'uri',
  'availability',
  'firstName',
  'lastName',
  'middleName',
  'nickName',
  'company',
  'jobTitle',
  'email',
  'email2',
  'email3',
  'birthday',
  'webPage',
  'notes',
  'homePhone',
  'homePhone2',
  'businessPhone',
  'businessPhone2',
  'mobilePhone',
  'businessFax',
  'companyPhone',
  'assistantPhone',
  'carPhone',
  'otherPhone',
  'otherFax',
  'callbackPhone',
  'homeAddress',
  'businessAddress',
  'otherAddress',
  'ringtoneIndex',
  'appInfo',
] as const;

const fieldsOf = (i: JsonObject): ContactFields => compactObject(Object.fromEntries(Object.keys(contactFields).map((k) => [k, i[k]])));

const needsAField = (i: JsonObject) =>
  Object.keys(fieldsOf(i)).length ? undefined : `give at least one contact field (${Object.keys(contactFields).join(', ')})`;

const nameOf = (r: JsonObject) => [r.firstName, r.lastName].filter(Boolean).join(' ') || String(r.company ?? r.email ?? r.id);

const CONTACTS = '/restapi/v1.0/account/~/extension/~/address-book/contact';
const contactPath = (id: string) => `${CONTACTS}/${encodeURIComponent(id)}`;
const ADDRESS_PARTS = ['street', 'city', 'state', 'zip', 'country'];
/** Every property a contact write can carry, for the route check. */
const contactSends = Object.keys(contactFields).flatMap((k) => (k === 'businessAddress' ? ADDRESS_PARTS.map((p) => `${k}.${p}`) : [k]));

export const getContact = defineTool({
  name: 'ringcentral_get_contact',
  title: 'Get contact',
  description: 'One personal contact by id, with every field.',
  toolset: 'contacts',
  kind: 'read',
  input: { contactId },
  exec: {
    via: 'either',
    action: { key: 'get-contact', sends: ['contactId'], input: (i) => ({ contactId: i.contactId }) },
    rest: { group: 'Heavy', call: (i) => ({ method: 'GET', path: contactPath(i.contactId) }) },
  },
});

const shown = (value: unknown): string =>
  value === undefined || value === null || value === '' ? '(empty)' : typeof value === 'string' ? value : JSON.stringify(value);

/**
 * Each named field as "before -> after" (an address part as `businessAddress.city`); fields the
 * person named but that stay the same are listed apart.
 */
function changesOf(current: JsonObject, wanted: JsonObject, prefix = ''): { changes: Record<string, string>; unchanged?: string[] } {
  const changes: Record<string, string> = {};
  const unchanged: string[] = [];
  for (const [field, after] of Object.entries(wanted)) {
    const before = current[field];
    if (isObject(after)) {
      const nested = changesOf(isObject(before) ? before : {}, after, `${prefix}${field}.`);
      Object.assign(changes, nested.changes);
      unchanged.push(...(nested.unchanged ?? []));
    } else if (JSON.stringify(before) === JSON.stringify(after)) unchanged.push(`${prefix}${field}`);
    else changes[`${prefix}${field}`] = `${shown(before)} -> ${shown(after)}`;
  }
  return unchanged.length ? { changes, unchanged } : { changes };
}

const addressOf = async (ctx: ToolContext, contactId: string): Promise<JsonObject> => {
  const current = await ctx.read(getContact, { contactId });
  return isObject(current.businessAddress) ? current.businessAddress : {};
};

/**
 * The PATCH body. RingCentral's PATCH replaces an object field whole, so an address part the person
 * names (businessAddress.city) is sent with the parts they did not name: only then is the contact read first.
 * Calls in this process take turns per contact (`exclusiveKey`); another process's change is
 * caught by reading the address again just before the write: if it moved, nothing is sent.
 */
async function updateBody(i: JsonObject & { contactId: string }, ctx: ToolContext): Promise<ContactFields> {
  const fields = fieldsOf(i);
  if (!isObject(fields.businessAddress)) return fields;
  const before = await addressOf(ctx, i.contactId);
  const again = await addressOf(ctx, i.contactId);
  if (JSON.stringify(again) !== JSON.stringify(before)) throw addressConflict(i.contactId, before, again);
  return { ...fields, businessAddress: { ...before, ...fields.businessAddress } };
}

function addressConflict(contactId: string, before: JsonObject, now: JsonObject): ToolError {
  return new ToolError(
    'conflict',
    `contact ${contactId}: its businessAddress changed while this update was being prepared (${JSON.stringify(before)} -> ${JSON.stringify(now)}); nothing was sent, so that change is kept`,
    { fix: `read the contact again (ringcentral_get_contact with contactId "${contactId}") and retry the update` },
  );
}

export const contactTools = [
  defineTool({
    name: 'ringcentral_list_contacts',
    title: 'List contacts',
    description: 'Your personal address book, by name prefix or phone.',
    toolset: 'contacts',
    kind: 'read',
    list: { paging: 'page', compact: compactContact, fields: CONTACT_FIELDS },
    input: {
      startsWith: z.string().min(1).max(64).describe('First or last name prefix').optional(),
      phoneNumber: phone.optional(),
      sortBy: z.enum(['FirstName', 'LastName', 'Company']).optional(),
    },
    exec: {
      via: 'either',
      action: {
        key: 'list-contacts',
        sends: ['startsWith', 'phoneNumber', 'sortBy'],
        input: (i) => compactObject({ startsWith: i.startsWith, phoneNumber: asArray(i.phoneNumber), sortBy: asArray(i.sortBy) }),
      },
      rest: {
        group: 'Heavy',
        call: (i) => ({
          method: 'GET',
          path: CONTACTS,
          query: query({ startsWith: i.startsWith, phoneNumber: i.phoneNumber, sortBy: i.sortBy }),
        }),
      },
    },
  }),
  getContact,
  defineTool({
    name: 'ringcentral_create_contact',
    title: 'Create contact',
    description: 'Add a personal contact: at least a name, company, email or phone.',
    toolset: 'contacts',
    kind: 'write',
    input: contactFields,
    validate: needsAField,
    exec: {
      via: 'either',
      action: { key: 'create-contact', sends: contactSends, input: (i) => fieldsOf(i) },
      rest: { group: 'Heavy', call: (i) => ({ method: 'POST', path: CONTACTS, body: fieldsOf(i) }) },
    },
    preview: async (i) => ({ action: 'create contact', contact: fieldsOf(i) }),
  }),
  defineTool({
    name: 'ringcentral_update_contact',
    title: 'Update contact',
    description: 'Change a personal contact: only the fields you pass change.',
    toolset: 'contacts',
    kind: 'destructive',
    input: { contactId, ...contactFields },
    validate: needsAField,
    exclusiveKey: (i) => i.contactId,
    exec: {
      via: 'rest',
      // RingCentral's PATCH changes only the fields sent; a connector's update may replace the whole record.
      why: "an update must never clear fields the person did not name: RingCentral's PATCH changes only the fields sent, a connector's update may replace the record",
      unusedAction: 'update-contact',
      rest: {
        group: 'Heavy',
        call: async (i, ctx) => ({ method: 'PATCH', path: contactPath(i.contactId), body: await updateBody(i, ctx) }),
      },
    },
    preview: async (i, ctx) => {
      const current = await ctx.read(getContact, { contactId: i.contactId });
      return { action: 'update contact', contact: `${nameOf(current)} (${i.contactId})`, ...changesOf(current, fieldsOf(i)) };
    },
  }),
  defineTool({
    name: 'ringcentral_delete_contact',
    title: 'Delete contact',
    description: 'Delete a personal contact by id. Permanent.',
    toolset: 'contacts',
    kind: 'destructive',
    input: { contactId },
    exec: {
      via: 'either',
      action: { key: 'delete-contact', sends: ['contactId'], input: (i) => ({ contactId: i.contactId }) },
      rest: { group: 'Heavy', call: (i) => ({ method: 'DELETE', path: contactPath(i.contactId) }) },
    },
    preview: async (i, ctx) => {
      const current = await ctx.read(getContact, { contactId: i.contactId });
      return { action: 'delete contact (permanent)', contact: compactContact(current) };
    },
  }),
];
