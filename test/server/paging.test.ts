/**
 * Every list tool pages through the whole sandbox data set with `cursor`, without gaps or
 * repeats, also when a tiny character budget cuts pages short; the budget is never exceeded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, startServer, type Harness, type Sandbox } from '../helpers.js';

// A week of activity: several pages of every list at both budgets, without paging the whole history.
const FROM = new Date(Date.now() - 7 * 86_400_000).toISOString();
const TO = new Date(Date.now() + 86_400_000).toISOString();

const LISTS: Array<{ tool: string; args: Record<string, unknown>; rest: string; query?: Record<string, unknown> }> = [
  { tool: 'ringcentral_list_extensions', args: {}, rest: '/restapi/v1.0/account/~/extension' },
  {
    tool: 'ringcentral_list_messages',
    args: { dateFrom: FROM, dateTo: TO },
    rest: '/restapi/v1.0/account/~/extension/~/message-store',
    query: { dateFrom: FROM, dateTo: TO },
  },
  { tool: 'ringcentral_list_contacts', args: {}, rest: '/restapi/v1.0/account/~/extension/~/address-book/contact' },
  {
    tool: 'ringcentral_get_call_log',
    args: { dateFrom: FROM, dateTo: TO },
    rest: '/restapi/v1.0/account/~/extension/~/call-log',
    query: { dateFrom: FROM, dateTo: TO },
  },
  { tool: 'ringcentral_get_active_calls', args: {}, rest: '/restapi/v1.0/account/~/extension/~/active-calls' },
  { tool: 'ringcentral_list_chats', args: {}, rest: '/team-messaging/v1/chats' },
];

let sandbox: Sandbox;
let roomy: Harness;
let tight: Harness;
const BUDGET = 1500;

beforeAll(async () => {
  sandbox = makeSandbox();
  roomy = await startServer({ sandbox, args: ['--confirm', 'off'] });
  tight = await startServer({ sandbox, args: ['--confirm', 'off', '--max-result-chars', String(BUDGET)] });
});
afterAll(async () => {
  await roomy?.close();
  await tight?.close();
  sandbox?.cleanup();
});

const expectedIds = new Map<string, Promise<string[]>>();
/** All ids straight from the REST endpoint, every page, through the proxy (once per endpoint). */
function everyId(rest: string, query: Record<string, unknown> = {}): Promise<string[]> {
  if (!expectedIds.has(rest)) expectedIds.set(rest, fetchIds(rest, query));
  return expectedIds.get(rest)!;
}

async function fetchIds(rest: string, query: Record<string, unknown>): Promise<string[]> {
  const ids: string[] = [];
  const isChats = rest.startsWith('/team-messaging');
  let pageToken: string | undefined;
  for (let page = 1; page < 200; page++) {
    // Small pages: full RingCentral records are large and the proxy's result has a budget too.
    const q = isChats ? { recordCount: 10, ...(pageToken ? { pageToken } : {}) } : { ...query, perPage: 10, page };
    const pairs = Object.entries(q).map(([name, value]) => ({ name, value: String(value) }));
    const result = await roomy.call('ringcentral_api_request', { method: 'GET', path: rest, query: pairs });
    expect(result.isError, roomy.text(result)).toBeFalsy();
    expect(result.structuredContent.truncated).toBeUndefined();
    const body = result.structuredContent.result.body;
    ids.push(...body.records.map((r: any) => String(r.id)));
    if (isChats ? !(pageToken = body.navigation?.nextPageToken) : !body.navigation?.nextPage) break;
  }
  return ids;
}

async function pageThrough(h: Harness, tool: string, args: Record<string, unknown>, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 2000; i++) {
    const result = await h.call(tool, { ...args, limit, ...(cursor ? { cursor } : {}) });
    expect(result.isError, h.text(result)).toBeFalsy();
    expect(h.text(result).length).toBeLessThanOrEqual(h === tight ? BUDGET : 20_000);
    ids.push(...result.structuredContent.records.map((r: any) => String(r.id)));
    cursor = result.structuredContent.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error('paging did not end');
}

describe.each(LISTS)('$tool', ({ tool, args, rest, query }) => {
  it('pages through everything with no gaps or repeats', async () => {
    const expected = await everyId(rest, query);
    expect(expected.length).toBeGreaterThan(0);
    const paged = await pageThrough(roomy, tool, args, 37);
    expect(paged).toEqual(expected);
  });

  it('still complete when the budget cuts pages short', async () => {
    const expected = await everyId(rest, query);
    const paged = await pageThrough(tight, tool, args, 50);
    expect(paged).toEqual(expected);
  });
});

it('a cursor from another tool is refused', async () => {
  const first = await roomy.call('ringcentral_list_contacts', { limit: 2 });
  const wrong = await roomy.call('ringcentral_list_extensions', { cursor: first.structuredContent.nextCursor });
  expect(wrong.isError).toBe(true);
  expect(roomy.text(wrong)).toMatch(/cursor/);
});
