// The company directory search (searchDirectoryEntries): a JSON body of filters and paging,
// answered as a DirectoryResource ({records: ContactResource[], paging}). Ids are strings here.
import type { Extension, Rec } from '../model.js';
import type { AdgPhoneNumberResource, ContactResource, DirectoryResource, SearchDirectoryEntriesRequest } from '../rc.js';
import { invalid, ok, type Ctx, type Handler } from './http.js';
import { checkAccount } from './ids.js';
import { digitsOnly } from './query.js';

type Field = NonNullable<SearchDirectoryEntriesRequest['searchFields']>[number];
const FIELDS: Field[] = ['firstName', 'lastName', 'extensionNumber', 'phoneNumber', 'email', 'jobTitle', 'department', 'customFieldValue'];
const STATUSES = ['Enabled', 'Disabled', 'NotActivated'];
const TYPES = [
  'User',
  'Department',
  'Announcement',
  'Voicemail',
  'DigitalUser',
  'VirtualUser',
  'FaxUser',
  'PagingOnly',
  'SharedLinesGroup',
  'IvrMenu',
  'ApplicationExtension',
  'ParkLocation',
  'Limited',
  'Bot',
  'Site',
  'Room',
  'ProxyAdmin',
  'DelegatedLinesGroup',
  'FlexibleUser',
  'GroupCallPickup',
  'RoomConnector',
  'TieLine',
  'External',
];
/** The types a directory entry can be (ContactResource.type): a fax user, say, is not listed. */
const LISTED: string[] = [
  'User',
  'Department',
  'Announcement',
  'Voicemail',
  'SharedLinesGroup',
  'PagingOnly',
  'ParkLocation',
  'IvrMenu',
  'Limited',
  'ApplicationExtension',
  'Site',
  'Bot',
  'Room',
  'ProxyAdmin',
  'DelegatedLinesGroup',
  'GroupCallPickup',
  'External',
  'RoomConnector',
] satisfies Array<ContactResource['type']>;
const SMS_STATUSES = ['Active', 'Inactive', 'Disabled', 'Banned', 'Suspended', 'Deprovisioning', 'InboundOnly', 'Unknown'];
const ORDER_FIELDS = ['firstName', 'lastName', 'extensionNumber', 'phoneNumber', 'email', 'jobTitle', 'department'];
/** RingCentral's paging model: perPage 1..1000, page from 1. */
const MAX_PER_PAGE = 1000;
const DEFAULT_PER_PAGE = 100;

/** A list of enum values, or absent; anything else is RingCentral's CMN-101 for that field. */
function enumList(b: Rec, name: string, allowed: readonly string[]): string[] {
  const v = b[name];
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !allowed.includes(x))) throw invalid(name, v);
  return v as string[];
}

function stringList(b: Rec, name: string): void {
  const v = b[name];
  if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))) throw invalid(name, v);
}

function typed(b: Rec, name: string, type: 'string' | 'boolean'): void {
  if (b[name] !== undefined && typeof b[name] !== type) throw invalid(name, b[name]);
}

function whole(b: Rec, name: string, def: number, max: number): number {
  const v = b[name];
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) throw invalid(name, v);
  return v;
}

function checkOrder(b: Rec): void {
  const v = b.orderBy;
  if (v === undefined) return;
  const good = (o: unknown) =>
    o !== null &&
    typeof o === 'object' &&
    ORDER_FIELDS.includes(String((o as Rec).fieldName)) &&
    ((o as Rec).direction === undefined || ['Asc', 'Desc'].includes(String((o as Rec).direction)));
  if (!Array.isArray(v) || !v.every(good)) throw invalid('orderBy', v);
}

/** The request as RingCentral's SearchDirectoryEntriesRequest defines it; unknown fields are ignored. */
function request(body: unknown) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('body', undefined, 'Request body must be a JSON object');
  const b = body as Rec;
  for (const name of ['searchString', 'siteId', 'department']) typed(b, name, 'string');
  for (const name of ['showFederated', 'showAdminOnlyContacts', 'showExternalContacts']) typed(b, name, 'boolean');
  for (const name of ['accountIds', 'siteIds', 'extensionIds', 'phoneNumberSmsCampaignIds']) stringList(b, name);
  if (b.extensionType !== undefined && !TYPES.includes(b.extensionType)) throw invalid('extensionType', b.extensionType);
  checkOrder(b);
  enumList(b, 'integrationRoutingTypes', ['Carrier', 'Account']);
  return {
    search: typeof b.searchString === 'string' ? b.searchString.trim().toLowerCase() : '',
    fields: enumList(b, 'searchFields', FIELDS) as Field[],
    types: [...enumList(b, 'extensionTypes', TYPES), ...(b.extensionType ? [b.extensionType as string] : [])],
    statuses: enumList(b, 'extensionStatuses', STATUSES),
    sms: enumList(b, 'phoneNumberSmsAvailabilityStatuses', SMS_STATUSES),
    ids: (b.extensionIds ?? []) as string[],
    department: b.department as string | undefined,
    page: whole(b, 'page', 1, Number.MAX_SAFE_INTEGER),
    perPage: whole(b, 'perPage', DEFAULT_PER_PAGE, MAX_PER_PAGE),
  };
}

const isUser = (e: Extension) => e.type === 'User';

/**
 * A colleague's direct number as the directory lists it. RingCentral tells each number's SMS
 * availability; in the sandbox one user's number (extension 113) is not enabled for SMS.
 */
function numbersOf(e: Extension): AdgPhoneNumberResource[] {
  const phone = e.contact.businessPhone;
  if (!phone) return [];
  const number: AdgPhoneNumberResource = { phoneNumber: phone, type: 'VoiceFax', usageType: 'DirectNumber', primary: true };
  if (isUser(e)) number.smsAvailabilityStatus = e.extensionNumber === '113' ? 'Inactive' : 'Active';
  return [number];
}

function entry(ctx: Ctx, e: Extension): ContactResource {
  const c = e.contact;
  const user = isUser(e);
  const out: ContactResource = {
    id: String(e.id),
    type: e.type as ContactResource['type'],
    status: e.status,
    extensionNumber: e.extensionNumber,
    ...(user ? { firstName: c.firstName, lastName: c.lastName } : { name: e.name }),
    phoneNumbers: numbersOf(e),
    account: { id: String(ctx.state.accountId), companyName: ctx.state.account.serviceInfo?.brand?.name },
    hidden: e.hidden ?? false,
  };
  if (c.email) out.email = c.email;
  if (c.jobTitle) out.jobTitle = c.jobTitle;
  if (c.department) out.department = c.department;
  return out;
}

/** What each searchable field of an entry holds. */
function values(r: ContactResource, field: Field): string[] {
  if (field === 'phoneNumber') return (r.phoneNumbers ?? []).map((n) => String(n.phoneNumber ?? ''));
  if (field === 'customFieldValue') return [];
  // A non-user entry has a name instead of first and last: searched as its first name.
  const v = field === 'firstName' ? (r.firstName ?? r.name) : r[field];
  return typeof v === 'string' ? [v] : [];
}

/** The search string found in a field, case-insensitively; a phone number also by its digits. */
function found(r: ContactResource, search: string, fields: Field[]): boolean {
  if (!search) return true;
  const digits = /^[+\d\s().-]+$/.test(search) ? digitsOnly(search) : '';
  return (fields.length ? fields : FIELDS).some((field) =>
    values(r, field).some(
      (v) => v.toLowerCase().includes(search) || (field === 'phoneNumber' && digits.length > 0 && digitsOnly(v).includes(digits)),
    ),
  );
}

export const searchDirectory: Handler = (ctx, req, p) => {
  checkAccount(ctx, p);
  const q = request(req.body);
  const all = ctx.state.extensions
    .filter(
      (e) =>
        LISTED.includes(e.type) && (!q.types.length || q.types.includes(e.type)) && (!q.statuses.length || q.statuses.includes(e.status)),
    )
    .filter((e) => !q.ids.length || q.ids.includes(String(e.id)))
    .filter((e) => q.department === undefined || e.contact.department === q.department)
    .map((e) => entry(ctx, e))
    .filter((r) => found(r, q.search, q.fields))
    .filter((r) => !q.sms.length || (r.phoneNumbers ?? []).some((n) => q.sms.includes(String(n.smsAvailabilityStatus))));
  const start = (q.page - 1) * q.perPage;
  const records = all.slice(start, start + q.perPage);
  const totalPages = Math.ceil(all.length / q.perPage);
  // page, pageStart and pageEnd are left out of an empty page, as RingCentral's paging model says.
  const paging = records.length
    ? { page: q.page, perPage: q.perPage, totalPages, totalElements: all.length, pageStart: start, pageEnd: start + records.length - 1 }
    : { perPage: q.perPage, totalPages, totalElements: all.length };
  const body: DirectoryResource = { records, paging };
  return ok(body);
};
