/** Personal contacts (the user's address book). */
import { z } from 'zod';
import { runAction } from '../src/context.js';
import { compactObject, defineTool, email, numericId, phone, type Record_ } from './define.js';

const text = (max: number) => z.string().max(max).optional();
const address = z
  .object({ street: z.string().optional(), city: z.string().optional(), state: z.string().optional(), zip: z.string().optional(), country: z.string().optional() })
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

/** One name and one phone (mobile first): what a person scans a contact list for. */
const compactContact = (r: Record_) =>
  compactObject({ id: r.id, name: [r.firstName, r.lastName].filter(Boolean).join(' ') || undefined, company: r.company, email: r.email, phone: r.mobilePhone ?? r.businessPhone ?? r.homePhone });

const fieldsOf = (i: Record_): ContactFields => compactObject(Object.fromEntries(Object.keys(contactFields).map((k) => [k, i[k]])));

const needsAField = (i: Record_) => (Object.keys(fieldsOf(i)).length ? undefined : `give at least one contact field (${Object.keys(contactFields).join(', ')})`);

const nameOf = (r: Record_) => [r.firstName, r.lastName].filter(Boolean).join(' ') || String(r.company ?? r.email ?? r.id);

export const contactTools = [
  defineTool({
    name: 'ringcentral_list_contacts',
    title: 'List contacts',
    description: 'Your personal contacts (address book), by name prefix or phone.',
    toolset: 'contacts',
    kind: 'read',
    action: 'list-contacts',
    list: { paging: 'page', compact: compactContact },
    input: {
      startsWith: z.string().min(1).max(64).describe('First or last name prefix').optional(),
      phoneNumber: phone.describe('E.164').optional(),
      sortBy: z.enum(['FirstName', 'LastName', 'Company']).optional(),
    },
    actionInput: (i) => compactObject({ startsWith: i.startsWith, phoneNumber: i.phoneNumber ? [i.phoneNumber] : undefined, sortBy: i.sortBy ? [i.sortBy] : undefined }),
  }),
  defineTool({
    name: 'ringcentral_get_contact',
    title: 'Get contact',
    description: 'One personal contact by id, with every field.',
    toolset: 'contacts',
    kind: 'read',
    action: 'get-contact',
    input: { contactId },
  }),
  defineTool({
    name: 'ringcentral_create_contact',
    title: 'Create contact',
    description: 'Add a personal contact: at least a name, company, email or phone.',
    toolset: 'contacts',
    kind: 'write',
    action: 'create-contact',
    input: contactFields,
    validate: needsAField,
    actionInput: (i) => fieldsOf(i),
    preview: async (i) => ({ action: 'create contact', contact: fieldsOf(i) }),
  }),
  defineTool({
    name: 'ringcentral_update_contact',
    title: 'Update contact',
    description: 'Change a personal contact: only the fields you pass change.',
    toolset: 'contacts',
    kind: 'destructive',
    action: 'update-contact',
    input: { contactId, ...contactFields },
    validate: needsAField,
    actionInput: (i) => ({ contactId: i.contactId, ...fieldsOf(i) }),
    preview: async (i, ctx) => {
      const current = (await runAction(ctx, 'get-contact', { contactId: i.contactId })) as Record_;
      const changes = Object.fromEntries(Object.entries(fieldsOf(i)).map(([k, v]) => [k, { from: current?.[k] ?? null, to: v }]));
      return { action: 'update contact', contact: `${nameOf(current ?? {})} (${i.contactId})`, changes };
    },
  }),
  defineTool({
    name: 'ringcentral_delete_contact',
    title: 'Delete contact',
    description: 'Delete a personal contact by id. Permanent.',
    toolset: 'contacts',
    kind: 'destructive',
    action: 'delete-contact',
    input: { contactId },
    preview: async (i, ctx) => {
      const current = (await runAction(ctx, 'get-contact', { contactId: i.contactId })) as Record_;
      return { action: 'delete contact (permanent)', contact: compactContact(current ?? {}) };
    },
  }),
];
