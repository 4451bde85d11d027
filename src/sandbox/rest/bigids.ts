// The big-ids variant: message and contact ids are int64 values beyond 2^53, as on RingCentral
// accounts whose ids outgrew JavaScript's exact integers. The stored ids stay small; they are
// offset on the way out (bare JSON numbers, digit for digit) and back on the way in.
import type { Params } from './http.js';

const OFFSET = { message: 8_263_573_593_000_000_000n, contact: 7_301_942_116_000_000_000n };
const PATHS = { message: /\/message-store\/(\d+)/g, contact: /\/address-book\/contact\/(\d+)/g };
const PARAMS: Record<string, keyof typeof OFFSET> = { messageId: 'message', contactId: 'contact' };

const big = (kind: keyof typeof OFFSET, small: string) => String(OFFSET[kind] + BigInt(small));

/** A big id back to the stored one; anything else is left as given (and simply not found). */
function small(kind: keyof typeof OFFSET, id: string): string {
  if (!/^\d{19}$/.test(id)) return id;
  const v = BigInt(id) - OFFSET[kind];
  return v > 0n && v < 1_000_000_000_000_000n ? String(v) : id;
}

/** Path ids (bulk `a,b` lists too) to stored ids. */
export function inbound(params: Params): Params {
  const out = { ...params };
  for (const [name, kind] of Object.entries(PARAMS)) {
    if (out[name] !== undefined)
      out[name] = out[name]
        .split(',')
        .map((x) => small(kind, x.trim()))
        .join(',');
  }
  return out;
}

function mapString(s: string): string {
  let r = s;
  for (const kind of ['message', 'contact'] as const) r = r.replace(PATHS[kind], (m, id: string) => m.replace(id, big(kind, id)));
  return r;
}

/** Rewrites every message and contact id in a response body: `id` beside a `uri` naming it, and every URI. */
export function outbound(body: unknown): unknown {
  if (typeof body === 'string') return mapString(body);
  if (Array.isArray(body)) return body.map(outbound);
  if (body === null || typeof body !== 'object') return body;
  const o = body as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = outbound(v);
  if (typeof o.uri === 'string' && (typeof o.id === 'number' || typeof o.id === 'string')) {
    for (const kind of ['message', 'contact'] as const) {
      const hit = [...o.uri.matchAll(PATHS[kind])].pop();
      if (hit && hit[1] === String(o.id) && o.uri.endsWith(hit[0])) {
        out.id = typeof o.id === 'number' ? BigInt(big(kind, hit[1])) : big(kind, hit[1]);
      }
    }
  }
  return out;
}
