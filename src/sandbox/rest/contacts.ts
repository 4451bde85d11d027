// Personal address book.
import { PLATFORM } from '../hosts.js';
import type { Contact, Rec } from '../model.js';
import { invalid, noContent, notFound, ok, rcError, type Ctx, type Handler, type Res } from './http.js';
import { extPath, findExtension, idList, isMe, requiredId } from './ids.js';
import { pageA } from './paging.js';
import { digitsOnly, E164, enums, many, one } from './query.js';

export const TEXT_FIELDS = [
  'firstName',
  'lastName',
  'middleName',
  'nickName',
  'company',
  'jobTitle',
  'email',
  'email2',
  'email3',
  'webPage',
  'notes',
  'birthday',
  'ringtoneIndex',
  'appInfo',
] as const;
export const PHONE_FIELDS = [
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
] as const;
export const ADDRESS_FIELDS = ['homeAddress', 'businessAddress', 'otherAddress'] as const;
const ADDRESS_PARTS = ['street', 'city', 'state', 'zip', 'country'];
const MAX_CONTACTS = 10_000;

function contacts(ctx: Ctx, p: Record<string, string>): Contact[] {
  return isMe(ctx, findExtension(ctx, p)) ? ctx.state.contacts : [];
}

/** Validates a PersonalContactRequest; unknown fields are ignored as RingCentral does. */
function fields(body: unknown, allowNull: boolean): Rec {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('body', undefined, 'Request body must be a JSON object');
  const b = body as Rec;
  const out: Rec = {};
  const take = (k: string, check: (v: unknown) => boolean) => {
    if (!(k in b) || b[k] === undefined) return;
    if (b[k] === null) {
      if (!allowNull) return;
      out[k] = null;
      return;
    }
    if (!check(b[k])) throw invalid(k, b[k]);
    out[k] = b[k];
  };
  for (const k of TEXT_FIELDS) {
    take(
      k,
      (v) =>
        typeof v === 'string' &&
        (!k.startsWith('email') || /^[^@\s]+@[^@\s]+$/.test(v)) &&
        (k !== 'birthday' || Number.isFinite(Date.parse(v))),
    );
  }
  for (const k of PHONE_FIELDS) take(k, (v) => typeof v === 'string' && E164.test(v));
  for (const k of ADDRESS_FIELDS) {
    take(
      k,
      (v) =>
        typeof v === 'object' &&
        !Array.isArray(v) &&
        Object.entries(v as Rec).every(([ak, av]) => ADDRESS_PARTS.includes(ak) && typeof av === 'string'),
    );
  }
  if (typeof out.birthday === 'string') out.birthday = new Date(out.birthday).toISOString();
  return out;
}

function resource(ctx: Ctx, id: number, f: Rec): Contact {
  const r: Contact = { uri: `${PLATFORM}${extPath(ctx, ctx.state.extId)}/address-book/contact/${id}`, id, availability: 'Alive' };
  for (const [k, v] of Object.entries(f)) if (v !== null && v !== undefined) (r as Rec)[k] = v; // `fields` checked each one
  return r;
}

const PHONES = PHONE_FIELDS as readonly string[];

export const listContacts: Handler = (ctx, req, p) => {
  const q = req.query;
  const starts = (one(q, 'startsWith') ?? '').toLowerCase();
  const sortBy = enums(q, 'sortBy', ['FirstName', 'LastName', 'Company']);
  const phones = many(q, 'phoneNumber').map((n) => {
    if (!E164.test(n)) throw invalid('phoneNumber', n);
    return digitsOnly(n);
  });
  let all = contacts(ctx, p).filter(
    (c) =>
      (!starts ||
        String(c.firstName ?? '')
          .toLowerCase()
          .startsWith(starts) ||
        String(c.lastName ?? '')
          .toLowerCase()
          .startsWith(starts)) &&
      (!phones.length || PHONES.some((k) => (c as Rec)[k] && phones.includes(digitsOnly((c as Rec)[k])))),
  );
  if (sortBy.length) {
    const key: Record<string, 'firstName' | 'lastName' | 'company'> = { FirstName: 'firstName', LastName: 'lastName', Company: 'company' };
    all = [...all].sort((a, b) => {
      for (const s of sortBy) {
        const d = String(a[key[s]] ?? '').localeCompare(String(b[key[s]] ?? ''));
        if (d) return d;
      }
      return a.id - b.id;
    });
  }
  const body = pageA(req, `${extPath(ctx, ctx.state.extId)}/address-book/contact`, all);
  body.groups = { uri: `${PLATFORM}${extPath(ctx, ctx.state.extId)}/address-book/group` };
  return ok(body);
};

function byIds(ctx: Ctx, p: Record<string, string>, each: (c: Contact | undefined, id: string) => Res): Res {
  const ids = idList(requiredId(p.contactId, 'contactId'), 'contactId');
  const list = contacts(ctx, p);
  const run = (id: string) =>
    each(
      list.find((c) => String(c.id) === id),
      id,
    );
  if (ids.length === 1) {
    const r = run(ids[0]);
    if (r.status >= 400) throw notFound('contactId', ids[0]);
    return r;
  }
  const parts = ids.map(run);
  if (parts.every((r) => r.status === 204)) return noContent();
  return ok(
    parts.map((r, i) => ({ resourceId: ids[i], status: r.status, ...(r.body !== undefined ? { body: r.body } : {}) })),
    207,
  );
}

export const getContact: Handler = (ctx, _req, p) => byIds(ctx, p, (c, id) => (c ? ok(c) : notFound('contactId', id).res));

export const createContact: Handler = (ctx, req, p) => {
  const list = contacts(ctx, p);
  if (!isMe(ctx, findExtension(ctx, p))) throw rcError(403, 'CMN-404', 'Attempt to access another extension', { param: 'extensionId' });
  if (list.length >= MAX_CONTACTS)
    throw rcError(400, 'CMN-101', `Contact cannot be created: max contacts count reached (${MAX_CONTACTS})`, { top: 'InvalidParameter' });
  const f = fields(req.body, false);
  const id = ctx.state.next.contact;
  ctx.state.next.contact += 1000;
  const c = resource(ctx, id, f);
  list.push(c);
  ctx.dirty = true;
  return ok(c);
};

/** PUT replaces every field; PATCH changes the given ones and removes those sent as null. */
function update(patch: boolean): Handler {
  return (ctx, req, p) => {
    const raw = requiredId(p.contactId, 'contactId');
    if (patch && raw.includes(',')) throw invalid('contactId', raw);
    const f = fields(req.body, patch);
    return byIds(ctx, p, (c, id) => {
      if (!c) return notFound('contactId', id).res;
      const base: Rec = patch ? { ...c } : {};
      for (const [k, v] of Object.entries(f)) base[k] = v;
      const next = resource(
        ctx,
        c.id,
        Object.fromEntries(Object.entries(base).filter(([k]) => !['uri', 'id', 'availability'].includes(k))),
      );
      const list = ctx.state.contacts;
      list[list.indexOf(c)] = next;
      ctx.dirty = true;
      return ok(next);
    });
  };
}
export const putContact = update(false);
export const patchContact = update(true);

export const deleteContact: Handler = (ctx, _req, p) =>
  byIds(ctx, p, (c, id) => {
    if (!c) return notFound('contactId', id).res;
    const list = ctx.state.contacts;
    list.splice(list.indexOf(c), 1);
    ctx.dirty = true;
    return noContent();
  });
