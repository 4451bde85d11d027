// Membrane-style list outputs of the records-cursor and data-records variants: an opaque cursor
// instead of RingCentral's paging, and (data-records) each record wrapped as an SDK data record.
import { MembraneError } from '../errors.js';
import type { Rec } from '../model.js';
import type { Action } from './catalog.js';

/** Variants under which list actions page by `cursor`. */
export const usesCursor = (variants: Set<string>, a: Action) =>
  a.paging !== undefined && (variants.has('records-cursor') || variants.has('data-records'));

const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** The cursor wraps the page number (paging style A) or the page token (style B). */
export function applyCursor(act: Action, input: Rec): Rec {
  const { cursor, ...rest } = input;
  if (cursor === undefined) return rest;
  try {
    const c = JSON.parse(Buffer.from(String(cursor), 'base64url').toString('utf8'));
    if (act.paging === 'A' && Number.isInteger(c.p)) return { ...rest, page: c.p, ...(c.n ? { perPage: c.n } : {}) };
    if (act.paging === 'B' && typeof c.t === 'string') return { ...rest, pageToken: c.t };
  } catch {
    /* fall through */
  }
  throw new MembraneError('bad_request', 'invalid_input', 'Invalid input: input.cursor is not a cursor returned by this action', {
    errors: [{ path: 'input.cursor', message: 'invalid cursor' }],
  });
}

function nextCursor(act: Action, body: Rec, input: Rec): string | undefined {
  if (act.paging === 'A' && body.navigation?.nextPage) return enc({ p: (input.page ?? 1) + 1, n: body.paging?.perPage });
  if (act.paging === 'B' && body.navigation?.nextPageToken) return enc({ t: body.navigation.nextPageToken });
  return undefined;
}

/** Field names a hand-made connector normalizes (the rest keep RingCentral's camelCase names). */
const RENAMED_FIELDS: Record<string, string> = {
  creationTime: 'createdTime',
  lastModifiedTime: 'updatedTime',
  startTime: 'startedTime',
  extensionNumber: 'extension',
  messageStatus: 'status',
};

function normalize(r: Rec): Rec {
  const out: Rec = {};
  for (const [k, v] of Object.entries(r)) {
    if (k === 'readStatus') out.isRead = v === 'Read';
    else out[RENAMED_FIELDS[k] ?? k] = v;
  }
  return out;
}

/** A display name, as SDK data records carry one. */
function nameOf(r: Rec): string {
  if (typeof r.name === 'string' && r.name) return r.name;
  if (r.firstName !== undefined || r.lastName !== undefined) return [r.firstName, r.lastName].filter(Boolean).join(' ');
  if (typeof r.subject === 'string' && r.subject) return r.subject;
  const who = (p: Rec | undefined) => p?.name ?? p?.phoneNumber ?? p?.extensionNumber ?? '';
  if (r.from || r.to) return `${r.type ?? ''} ${who(r.from)} -> ${who(Array.isArray(r.to) ? r.to[0] : r.to)}`.trim();
  return String(r.type ?? r.id);
}

const dataRecord = (r: Rec): Rec => ({ id: String(r.id), name: nameOf(r), fields: normalize(r), rawFields: r });

/** `{records, cursor?}`; with data-records each record is `{id, name, fields, rawFields}`. */
export function membraneList(variants: Set<string>, act: Action, body: Rec, input: Rec): Rec {
  const records = body.records as Rec[];
  const out: Rec = { records: variants.has('data-records') ? records.map(dataRecord) : records };
  const cursor = nextCursor(act, body, input);
  if (cursor) out.cursor = cursor;
  return out;
}
