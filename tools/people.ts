/**
 * People: colleagues (RingCentral's company directory) and personal contacts (the address book),
 * found together by name, phone number or email; and SMS recipients given as people write them.
 */
import { z } from 'zod';
import { ToolError } from '../src/errors.js';
import { isObject } from '../src/json.js';
import { contactTools } from './contacts.js';
import { defineTool, type AnyTool, type JsonObject, type ToolContext } from './contract.js';
import { E164 } from './fields.js';
import { compactObject } from './format.js';

export interface Phone {
  number: string;
  /** What the number is: mobile, business, direct... */
  label: string;
  /** RingCentral's word on whether it takes SMS (the directory's smsAvailabilityStatus); absent: not said. */
  sms?: boolean;
}

export interface Person {
  kind: 'colleague' | 'contact';
  name: string;
  /** A colleague's extension id, a contact's id. */
  id: string;
  /** A colleague's extension number. */
  ext?: string;
  company?: string;
  emails: string[];
  phones: Phone[];
  /** First and last name, for matching. */
  parts: string[];
}

// ---- Numbers as people write them -------------------------------------------------------------

/** Only what phone numbers are written with, and enough digits to be one (an extension has fewer). */
const PHONE_WRITTEN = /^\+?[\d\s().\-/]+$/;
const MIN_PHONE_DIGITS = 7;
const digitCount = (text: string) => text.replace(/\D/g, '').length;

export const looksLikePhone = (text: string): boolean => PHONE_WRITTEN.test(text.trim()) && digitCount(text) >= MIN_PHONE_DIGITS;

/**
 * A number as people write it, in E.164: "+1 404 555 0134" as it stands, "(404) 555-0134" in the
 * account's country. libphonenumber-js (loaded on first use: it is not needed to start) checks it.
 */
export async function toE164(written: string, country: string | undefined, field: string): Promise<string> {
  const bare = written.replace(/[\s().\-/]/g, '');
  if (E164.test(bare)) return bare;
  if (!bare.startsWith('+') && !country) {
    throw new ToolError(
      'invalid_input',
      `${field}: "${written}" has no country code, and RingCentral named no home country for your account; nothing was sent`,
      { fix: 'write the number in E.164: + and the country code, e.g. +16505550123' },
    );
  }
  const { parsePhoneNumberFromString } = await import('libphonenumber-js/min');
  const parsed = parsePhoneNumberFromString(written, country as Parameters<typeof parsePhoneNumberFromString>[1]);
  if (!parsed?.isValid()) {
    throw new ToolError(
      'invalid_input',
      `${field}: "${written}" is not a valid phone number${bare.startsWith('+') ? '' : ` in ${country}`}; nothing was sent`,
      { fix: 'write the number in E.164: + and the country code, e.g. +16505550123' },
    );
  }
  return parsed.number;
}

/** The account's home country as RingCentral names it: the user's extension (learned with the REST base), else the account. */
export async function accountCountry(ctx: ToolContext): Promise<string | undefined> {
  const learned = (await ctx.region().catch(() => undefined))?.country;
  if (learned) return learned;
  return ctx.cache.get('country', async (signal) => {
    const account = await ctx.withSignal(signal).rest('Light', { method: 'GET', path: '/restapi/v1.0/account/~' });
    const home = ((account as JsonObject | undefined)?.regionalSettings as JsonObject | undefined)?.homeCountry as JsonObject | undefined;
    return typeof home?.isoCode === 'string' && /^[A-Z]{2}$/.test(home.isoCode) ? home.isoCode : undefined;
  });
}

// ---- Matching names --------------------------------------------------------------------------

const lower = (text: string) => text.trim().toLowerCase().replace(/\s+/g, ' ');

/** Every form a person is called by: full name, last-first, each name and word, each email. */
function formsOf(person: Person): string[] {
  const full = lower(person.name);
  const parts = person.parts.map(lower).filter(Boolean);
  return [full, [...parts].reverse().join(' '), ...parts, ...full.split(' '), ...person.emails.map(lower)];
}

/**
 * The people a name names, case-insensitively: an email, the full name (either order), a first
 * or last name exactly; failing that, any of them by prefix ("qui", "Quinn S").
 */
export function matchName(query: string, people: readonly Person[]): Person[] {
  const wanted = lower(query);
  if (!wanted) return [];
  const exact = people.filter((p) => formsOf(p).includes(wanted));
  if (exact.length) return exact;
  return people.filter((p) => formsOf(p).some((form) => form.startsWith(wanted)));
}

// ---- What a query is -------------------------------------------------------------------------

export type Query =
  { by: 'email'; value: string } | { by: 'phone'; value: string } | { by: 'extension'; value: string } | { by: 'name'; value: string };

/** An email, a phone number (normalized to E.164), an extension number, or else a name. */
export async function queryOf(text: string, ctx: ToolContext, field = 'query'): Promise<Query> {
  const value = text.trim();
  if (value.includes('@')) return { by: 'email', value: value.toLowerCase() };
  if (/^\d{1,6}$/.test(value)) return { by: 'extension', value };
  if (looksLikePhone(value)) return { by: 'phone', value: await toE164(value, await accountCountry(ctx), field) };
  return { by: 'name', value };
}

/** The most telling word of a name: what the directory and the address book are asked for. */
const keyword = (name: string) =>
  lower(name)
    .split(' ')
    .reduce((a, b) => (b.length > a.length ? b : a), '');

/** Who a query names among people already found: by number, email or extension exactly, by name as above. */
export function matching(q: Query, people: readonly Person[]): Person[] {
  switch (q.by) {
    case 'phone':
      return people.filter((p) => p.phones.some((ph) => ph.number === q.value));
    case 'email':
      return people.filter((p) => p.emails.some((e) => e.toLowerCase() === q.value));
    case 'extension':
      return people.filter((p) => p.ext === q.value);
    case 'name':
      return matchName(q.value, people);
  }
}

// ---- Colleagues: the company directory -------------------------------------------------------

/** RingCentral's directory answers up to 1000 per page; a name's most telling word rarely names more than this. */
const DIRECTORY_PAGE = 200;
/** A directory number that can take SMS: RingCentral's smsAvailabilityStatus Active, or InboundOnly (receives). */
const TAKES_SMS = ['Active', 'InboundOnly'];
const USAGE: Record<string, string> = {
  DirectNumber: 'direct',
  MobileNumber: 'mobile',
  BusinessMobileNumber: 'mobile',
  ExternalMobileNumber: 'mobile',
  ContactNumber: 'contact',
};

const str = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

function colleagueNumbers(entry: JsonObject): Phone[] {
  const numbers = Array.isArray(entry.phoneNumbers) ? (entry.phoneNumbers as JsonObject[]) : [];
  return numbers.flatMap((n) => {
    const number = str(n.e164) ?? str(n.phoneNumber);
    if (!number || !E164.test(number)) return [];
    const status = str(n.smsAvailabilityStatus);
    return [{ number, label: USAGE[String(n.usageType)] ?? 'phone', ...(status ? { sms: TAKES_SMS.includes(status) } : {}) }];
  });
}

/** A directory entry (ContactResource) as a person. */
export function colleague(entry: JsonObject): Person {
  const parts = [str(entry.firstName), str(entry.lastName)].filter((p): p is string => p !== undefined);
  return {
    kind: 'colleague',
    name: parts.join(' ') || str(entry.name) || String(entry.id),
    id: String(entry.id),
    ext: str(entry.extensionNumber),
    emails: [str(entry.email)].filter((e): e is string => e !== undefined),
    phones: colleagueNumbers(entry),
    parts,
  };
}

/** What the directory is asked: RingCentral's SearchDirectoryEntriesRequest, users that are enabled. */
function directoryBody(q: Query): JsonObject {
  const search = {
    email: { searchString: q.value, searchFields: ['email'] },
    phone: { searchString: q.value, searchFields: ['phoneNumber'] },
    extension: { searchString: q.value, searchFields: ['extensionNumber'] },
    name: { searchString: keyword(q.value), searchFields: ['firstName', 'lastName', 'email'] },
  }[q.by];
  return { ...search, extensionTypes: ['User'], extensionStatuses: ['Enabled'], page: 1, perPage: DIRECTORY_PAGE };
}

/** Whether RingCentral's paging says the directory had more than the page it answered. */
function morePages(answer: unknown): boolean {
  const paging = (answer as JsonObject | undefined)?.paging as JsonObject | undefined;
  const page = typeof paging?.page === 'number' ? paging.page : 1;
  return typeof paging?.totalPages === 'number' && paging.totalPages > page;
}

/** No Membrane action searches the directory: RingCentral's REST API (Heavy group). */
async function searchColleagues(q: Query, ctx: ToolContext): Promise<{ people: Person[]; partial: boolean }> {
  const answer = await ctx.rest('Heavy', {
    method: 'POST',
    path: '/restapi/v1.0/account/~/directory/entries/search',
    body: directoryBody(q),
  });
  if (!isObject(answer) || !Array.isArray(answer.records)) {
    throw new ToolError('unparseable_output', "RingCentral's directory search answered without records", {
      fix: 'run ringcentral_status; the REST route may not reach RingCentral',
    });
  }
  return { people: (answer.records as JsonObject[]).map(colleague), partial: morePages(answer) };
}

// ---- Personal contacts: the address book ------------------------------------------------------

const CONTACT_PHONES: Array<[string, string]> = [
  ['mobilePhone', 'mobile'],
  ['businessPhone', 'business'],
  ['homePhone', 'home'],
  ['businessPhone2', 'business'],
  ['homePhone2', 'home'],
  ['companyPhone', 'company'],
  ['carPhone', 'car'],
  ['otherPhone', 'other'],
  ['callbackPhone', 'callback'],
  ['assistantPhone', 'assistant'],
  ['businessFax', 'fax'],
  ['otherFax', 'fax'],
];
const CONTACTS_PER_PAGE = 1000;
/** Ten pages: an address book of 10,000, RingCentral's limit. */
const MAX_CONTACT_PAGES = 10;

/** A personal contact (PersonalContactResource) as a person. */
export function contact(record: JsonObject): Person {
  const parts = [str(record.firstName), str(record.lastName)].filter((p): p is string => p !== undefined);
  const emails = [record.email, record.email2, record.email3].map(str).filter((e): e is string => e !== undefined);
  return {
    kind: 'contact',
    name: parts.join(' ') || str(record.company) || emails[0] || String(record.id),
    id: String(record.id),
    company: str(record.company),
    emails,
    phones: CONTACT_PHONES.flatMap(([field, label]) => {
      const number = str(record[field]);
      return number && E164.test(number) ? [{ number, label }] : [];
    }),
    parts,
  };
}

/** list_contacts, read through its own route (action or REST) like any look-up. */
const listContacts: AnyTool = contactTools.find((def) => def.name === 'ringcentral_list_contacts')!;

/** The address book through list_contacts' route, filtered by RingCentral where it can: a number, a name's word. */
async function searchContacts(q: Query, ctx: ToolContext): Promise<Person[]> {
  if (q.by === 'extension') return [];
  const filter = q.by === 'phone' ? { phoneNumber: q.value } : q.by === 'name' ? { startsWith: keyword(q.value).slice(0, 64) } : {};
  return (await ctx.readAll(listContacts, filter, { pageSize: CONTACTS_PER_PAGE, maxPages: MAX_CONTACT_PAGES })).map(contact);
}

/**
 * Colleagues, then contacts, that a query names; `partial` when the directory matched more people
 * than one page holds (a name's word as common as "li"), so some may be missing.
 */
export async function findPeople(q: Query, ctx: ToolContext): Promise<{ people: Person[]; partial: boolean }> {
  const [colleagues, contacts] = await Promise.all([searchColleagues(q, ctx), searchContacts(q, ctx)]);
  return { people: matching(q, [...colleagues.people, ...contacts]), partial: colleagues.partial };
}

const TOO_MANY = (q: Query) => `the company directory holds more than ${DIRECTORY_PAGE} people matching "${keyword(q.value)}"`;

// ---- What a person is shown as ---------------------------------------------------------------

const phoneLabel = (p: Phone) => (p.sms === undefined ? p.label : `${p.label}, ${p.sms ? 'SMS' : 'no SMS'}`);

/** One person in a few fields: numbers as `{"+14045550134": "mobile"}`, SMS marked where RingCentral says. */
export const compactPerson = (p: Person): JsonObject =>
  compactObject({
    kind: p.kind,
    name: p.name,
    id: p.id,
    ext: p.ext,
    company: p.company,
    email: p.emails[0],
    numbers: p.phones.length ? Object.fromEntries(p.phones.map((ph) => [ph.number, phoneLabel(ph)])) : undefined,
  });

/** The number a text to this person goes to: one RingCentral marks for SMS, else a mobile, else the first; never a fax. */
export function smsNumberOf(p: Person): Phone | undefined {
  const usable = p.phones.filter((ph) => ph.label !== 'fax' && ph.sms !== false);
  return usable.find((ph) => ph.sms === true) ?? usable.find((ph) => ph.label === 'mobile') ?? usable[0];
}

// ---- SMS recipients --------------------------------------------------------------------------

export interface Recipient {
  number: string;
  /** As the confirmation shows it: "Quinn Sato +14045550134 (mobile)", or the number. */
  shown: string;
}

const MAX_CANDIDATES = 10;

const PICK_ONE = 'pass one of the candidates by full name or number, or look the person up with ringcentral_find_people';

function refuse(message: string, extra: JsonObject = {}, fix = PICK_ONE): ToolError {
  return new ToolError('invalid_input', `${message}; nothing was sent`, { fix, ...extra });
}

/** A candidate in a refusal: who it is and the number a text would go to. */
const candidate = (p: Person): JsonObject =>
  compactObject({ name: p.name, kind: p.kind, email: p.emails[0], smsTo: smsNumberOf(p)?.number });

/** The one person (or one number) a name gives for a text; none or several is refused with the candidates. */
async function recipientByName(ref: string, ctx: ToolContext): Promise<Recipient> {
  const q = await queryOf(ref, ctx, 'to');
  const { people: found, partial } = await findPeople(q, ctx);
  // Not every colleague of that name was seen: one match may not be the only one.
  if (partial) throw refuse(`to: ${TOO_MANY(q)}`, {}, 'give the full name or the email');
  const reachable = found.flatMap((p) => {
    const phone = smsNumberOf(p);
    return phone ? [{ p, phone }] : [];
  });
  const numbers = [...new Set(reachable.map((r) => r.phone.number))];
  const candidates = found.slice(0, MAX_CANDIDATES).map(candidate);
  if (!found.length)
    throw refuse(`to: no colleague or contact matches "${ref}"`, {}, 'check the name, or look the person up with ringcentral_find_people');
  if (!numbers.length) {
    throw refuse(
      `to: "${ref}" has no number that can take SMS`,
      { candidates },
      'text another number of theirs, or write to a colleague with ringcentral_create_chat_post',
    );
  }
  if (numbers.length > 1) throw refuse(`to: "${ref}" matches ${found.length} people`, { candidates });
  // Several records with the one number (a colleague also in the address book) are one recipient.
  const { p, phone } = reachable[0];
  return { number: phone.number, shown: `${p.name} ${phone.number} (${phone.label})` };
}

/**
 * Each recipient as a number: E.164 as given, a number as people write it in the account's
 * country, a name or email as the one person it names. Names are looked up once per 5 minutes,
 * so a confirmed send goes to the number its preview showed.
 */
export async function smsRecipients(to: readonly string[], ctx: ToolContext): Promise<Recipient[]> {
  const recipients = await Promise.all(
    to.map(async (ref): Promise<Recipient> => {
      if (E164.test(ref)) return { number: ref, shown: ref };
      if (PHONE_WRITTEN.test(ref) && /\d/.test(ref)) {
        const number = await toE164(ref, await accountCountry(ctx), 'to');
        return { number, shown: number };
      }
      return ctx.cache.get(`sms-to:${lower(ref)}`, (signal) => recipientByName(ref, ctx.withSignal(signal)));
    }),
  );
  const seen = new Map<string, string>();
  recipients.forEach((r, i) => {
    const before = seen.get(r.number);
    if (before !== undefined)
      throw refuse(`to: "${before}" and "${to[i]}" are the same number, ${r.number}`, {}, 'give each recipient once');
    seen.set(r.number, to[i]);
  });
  return recipients;
}

// ---- The tool --------------------------------------------------------------------------------

/** At most this many people in one answer; a query that names more says how many. */
const MAX_PEOPLE = 25;

export const peopleTools = [
  defineTool({
    name: 'ringcentral_find_people',
    title: 'Find people',
    description: 'Colleagues and contacts by name, prefix, number (any format) or email.',
    toolset: 'contacts',
    kind: 'read',
    input: { query: z.string().max(200).regex(/\S/, 'must name someone: a name, number or email') },
    output: z.looseObject({ records: z.array(z.looseObject({})), count: z.number() }),
    exec: {
      via: 'custom',
      run: async (i, ctx) => {
        const q = await queryOf(i.query, ctx);
        const { people: found, partial } = await findPeople(q, ctx);
        const records = found.slice(0, MAX_PEOPLE).map(compactPerson);
        return {
          records,
          count: records.length,
          ...(found.length > MAX_PEOPLE ? { more: found.length - MAX_PEOPLE } : {}),
          ...(partial ? { hint: `${TOO_MANY(q)}: some may be missing; give more of the name` } : {}),
          ...(found.length || partial ? {} : { hint: `no colleague or contact matches ${q.by} "${q.value}"` }),
        };
      },
    },
  }),
];
