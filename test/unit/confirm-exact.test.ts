/**
 * src/safety/confirm.ts, exact outcomes: the canonical text (inside arrays too), the token's format
 * and expiry, every refusal's message, and single use across instances and processes.
 */
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ToolError } from '../../src/errors.js';
import { canonical, CONFIRM_MODES, Confirmations } from '../../src/safety/confirm.js';
import { FileStore } from '../../src/state/file.js';

const dir = mkdtempSync(join(tmpdir(), 'rcmcp-confirm-exact-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());
let stores = 0;
const newStore = () => new FileStore(join(dir, `store-${stores++}`));

const TOOL = 'ringcentral_run_action';
const SECRET = Buffer.alloc(32, 9);
const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const AGAIN = 'nothing was done; call again without confirmationToken to get a fresh preview and token';
const MALFORMED = `confirmationToken is malformed; ${AGAIN}`;
const MISMATCH = `confirmationToken does not match these arguments (they changed since the preview, or it is from another tool, user or server); ${AGAIN}`;
const EXPIRED = `confirmationToken expired; ${AGAIN}`;
const USED = `confirmationToken was already used; ${AGAIN}`;

/** The message of the confirmation_invalid refusal, or 'accepted'. */
async function outcome(run: () => Promise<void>): Promise<string> {
  try {
    await run();
    return 'accepted';
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).code).toBe('confirmation_invalid');
    return (error as ToolError).message;
  }
}

describe('canonical text', () => {
  it('keeps a dryRun inside an array: {items:[{dryRun:true}]} and {items:[{dryRun:false}]} differ', () => {
    expect(canonical({ items: [{ dryRun: true }] })).toBe('{"items":[{"dryRun":true}]}');
    expect(canonical({ items: [{ dryRun: false }] })).toBe('{"items":[{"dryRun":false}]}');
  });

  it('drops the control fields at the top level only, never inside an array at the top', () => {
    expect(canonical({ confirmationToken: 't', dryRun: true, id: '1' })).toBe('{"id":"1"}');
    expect(canonical([{ confirmationToken: 't', dryRun: true }])).toBe('[{"confirmationToken":"t","dryRun":true}]');
    expect(canonical({ input: { dryRun: true, confirmationToken: 't' } })).toBe('{"input":{"confirmationToken":"t","dryRun":true}}');
  });

  it('sorts keys at every level, including objects inside arrays', () => {
    expect(canonical({ c: 1, b: [{ z: 1, y: [{ q: 2, p: 1 }] }], a: 3 })).toBe('{"a":3,"b":[{"y":[{"p":1,"q":2}],"z":1}],"c":1}');
  });

  it('writes scalars, null, empty containers and escaped keys as JSON', () => {
    expect(canonical(null)).toBe('null');
    expect(canonical(undefined)).toBe('null');
    expect(canonical(0)).toBe('0');
    expect(canonical(12.5)).toBe('12.5');
    expect(canonical(false)).toBe('false');
    expect(canonical('')).toBe('""');
    expect(canonical('a"b')).toBe('"a\\"b"');
    expect(canonical([])).toBe('[]');
    expect(canonical({})).toBe('{}');
    expect(canonical({ a: null, b: undefined })).toBe('{"a":null}');
    expect(canonical([1, undefined, null, [2, 3]])).toBe('[1,null,null,[2,3]]');
    expect(canonical({ 'k"1': 1 })).toBe('{"k\\"1":1}');
  });

  it('lists the confirmation modes', () => {
    expect(CONFIRM_MODES).toEqual(['auto', 'elicit', 'token', 'off']);
  });
});

describe('tokens', () => {
  const args = { action: 'bulk-delete', input: { items: [{ id: '1', dryRun: true }] } };
  const at = (now: number, ttlMs?: number, store = newStore()) => new Confirmations(store, SECRET, ttlMs, () => now);

  it('is nonce.expiry(base 36).HMAC-SHA256(tool, canonical arguments, nonce, expiry), five minutes by default', () => {
    const confirmations = at(T0);
    expect(confirmations.ttlMs).toBe(300_000);
    const { token, expiresAt } = confirmations.issue(TOOL, args);
    expect(expiresAt).toBe('2026-03-01T12:05:00.000Z');
    const [nonce, expires, mac, ...rest] = token.split('.');
    expect(rest).toEqual([]);
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(expires).toBe((T0 + 300_000).toString(36));
    const expected = createHmac('sha256', SECRET)
      .update(`${TOOL}\n${canonical(args)}\n${nonce}\n${T0 + 300_000}`)
      .digest('base64url');
    expect(mac).toBe(expected);
  });

  it('a token for {items:[{dryRun:true}]} is refused for {items:[{dryRun:false}]}, and accepted for the same items', async () => {
    const confirmations = at(T0);
    const { token } = confirmations.issue(TOOL, args);
    const changed = { action: 'bulk-delete', input: { items: [{ id: '1', dryRun: false }] } };
    expect(await outcome(() => confirmations.consume(TOOL, changed, token))).toBe(MISMATCH);
    expect(await outcome(() => confirmations.consume(TOOL, { ...args, dryRun: false, confirmationToken: token }, token))).toBe('accepted');
  });

  it('says exactly why a token is refused: malformed, not matching, expired, already used', async () => {
    const confirmations = at(T0, 60_000);
    const { token } = confirmations.issue(TOOL, args);
    const [nonce, expires, mac] = token.split('.');
    for (const bad of [
      '',
      'x',
      'a.b',
      `.${expires}.${mac}`,
      `${nonce}.${expires}.`,
      `${nonce}..${mac}`,
      `${nonce}.!!.${mac}`,
      `${token}.x`,
    ]) {
      expect(await outcome(() => confirmations.consume(TOOL, args, bad)), bad).toBe(MALFORMED);
    }
    const flipped = mac.slice(0, -1) + (mac.endsWith('A') ? 'B' : 'A');
    for (const bad of [`${nonce}.${expires}.${flipped}`, `${nonce}.${expires}.${mac}x`, `${nonce}.${expires}.${mac.slice(1)}`]) {
      expect(await outcome(() => confirmations.consume(TOOL, args, bad)), bad).toBe(MISMATCH);
    }
    expect(await outcome(() => confirmations.consume('ringcentral_delete_contact', args, token))).toBe(MISMATCH);
    expect(await outcome(() => at(T0 + 60_001).consume(TOOL, args, token))).toBe(EXPIRED);
    expect(await outcome(() => confirmations.consume(TOOL, args, token))).toBe('accepted');
    expect(await outcome(() => confirmations.consume(TOOL, args, token))).toBe(USED);
  });

  it('expires after its own ttl: accepted at the last millisecond, refused one later', async () => {
    const store = newStore();
    const { token } = at(T0, 1_000, store).issue(TOOL, args);
    const late = at(T0, 1_000, store).issue(TOOL, args).token;
    expect(await outcome(() => at(T0 + 1_000, 1_000, store).consume(TOOL, args, token))).toBe('accepted');
    expect(await outcome(() => at(T0 + 1_001, 1_000, store).consume(TOOL, args, late))).toBe(EXPIRED);
  });

  it('a used token is remembered a minute past its expiry, for an instance whose clock is behind', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    const shared = join(dir, 'skewed');
    const here = new Confirmations(new FileStore(shared), SECRET, 60_000, () => Date.now());
    const { token } = here.issue(TOOL, args);
    expect(await outcome(() => here.consume(TOOL, args, token))).toBe('accepted');
    vi.setSystemTime(T0 + 90_000); // past the expiry here, 15 s before it for the instance 45 s behind
    const behind = new Confirmations(new FileStore(shared), SECRET, 60_000, () => Date.now() - 45_000);
    expect(await outcome(() => behind.consume(TOOL, args, token))).toBe(USED);
  });

  it('one use in all among instances sharing the store, even all at once', async () => {
    const shared = join(dir, 'race');
    const { token } = at(T0, 60_000, new FileStore(shared)).issue(TOOL, args);
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => outcome(() => at(T0, 60_000, new FileStore(shared)).consume(TOOL, args, token))),
    );
    expect(outcomes.sort()).toEqual(['accepted', USED, USED, USED, USED, USED]);
  });

  it('one use in all across real processes sharing the store', async () => {
    const shared = join(dir, 'processes');
    const store = new FileStore(shared);
    const confirmations = new Confirmations(store, SECRET);
    const { token } = confirmations.issue(TOOL, args);
    const dist = resolve(import.meta.dirname, '../../dist/src');
    // Another process of the user (the `call` route, a second server) with the same secret and folder.
    const script = `
      const { Confirmations } = await import(${JSON.stringify(`${dist}/safety/confirm.js`)});
      const { FileStore } = await import(${JSON.stringify(`${dist}/state/file.js`)});
      const c = new Confirmations(new FileStore(process.argv[1]), Buffer.alloc(32, 9));
      try { await c.consume(process.argv[2], JSON.parse(process.argv[3]), process.argv[4]); console.log('accepted'); }
      catch (e) { console.log(e.message); }`;
    const other = () =>
      promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, shared, TOOL, JSON.stringify(args), token]).then(
        ({ stdout }) => stdout.trim(),
      );
    const outcomes = await Promise.all([other(), other(), outcome(() => confirmations.consume(TOOL, args, token))]);
    expect(outcomes.sort()).toEqual(['accepted', USED, USED]);
    expect(await other()).toBe(USED);
  });
});
