/** src/safety/confirm.ts: confirmation tokens bound to tool + canonical arguments, single use, expiring. */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canonical, Confirmations } from '../../src/safety/confirm.js';
import { ToolError } from '../../src/errors.js';
import { FileStore } from '../../src/state/file.js';

const dir = mkdtempSync(join(tmpdir(), 'rcmcp-confirm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** Each test its own record of used tokens, unless it shares one on purpose. */
let stores = 0;
const newStore = () => new FileStore(join(dir, `store-${stores++}`));

const TOOL = 'ringcentral_delete_contact';
const SECRET = Buffer.alloc(32, 7);

async function rejection(fn: () => Promise<unknown>): Promise<ToolError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).code).toBe('confirmation_invalid');
    return error as ToolError;
  }
  throw new Error('expected confirmation_invalid, the token was accepted');
}

/** A Confirmations whose clock the test moves. */
function withClock(start = 1_700_000_000_000, ttlMs = 60_000) {
  const clock = { now: start };
  return { clock, confirmations: new Confirmations(newStore(), SECRET, ttlMs, () => clock.now) };
}

describe('canonical', () => {
  it('sorts keys at every level', async () => {
    expect(canonical({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}');
  });

  it('ignores confirmationToken and dryRun', async () => {
    expect(canonical({ contactId: '1', confirmationToken: 'abc', dryRun: true })).toBe(canonical({ contactId: '1' }));
    expect(canonical({ contactId: '1', dryRun: false })).toBe(canonical({ contactId: '1' }));
  });

  it('ignores undefined values but not null, and keeps array order and value types', async () => {
    expect(canonical({ a: 1, b: undefined })).toBe(canonical({ a: 1 }));
    expect(canonical({ a: null })).not.toBe(canonical({}));
    expect(canonical([1, 2])).not.toBe(canonical([2, 1]));
    expect(canonical({ a: 1 })).not.toBe(canonical({ a: '1' }));
    expect(canonical(undefined)).toBe('null');
  });

  it('is the same for any key order (property)', async () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 })), (object) => {
        const reversed = Object.fromEntries(Object.entries(object).reverse());
        expect(canonical(reversed)).toBe(canonical(object));
      }),
      { numRuns: 200 },
    );
  });
});

describe('Confirmations', () => {
  const args = { contactId: '12345', note: { b: 2, a: [1, 2] } };

  it('issues a token with an ISO expiry ttl ahead', async () => {
    const { confirmations, clock } = withClock();
    const { token, expiresAt } = confirmations.issue(TOOL, args);
    expect(token.split('.')).toHaveLength(3);
    expect(Date.parse(expiresAt)).toBe(clock.now + 60_000);
  });

  it('accepts a valid token once; reuse is rejected', async () => {
    const { confirmations } = withClock();
    const { token } = confirmations.issue(TOOL, args);
    await expect(confirmations.consume(TOOL, args, token)).resolves.toBeUndefined();
    expect((await rejection(() => confirmations.consume(TOOL, args, token))).message).toMatch(/already used/);
  });

  it('two tokens for the same arguments are independent', async () => {
    const { confirmations } = withClock();
    const first = confirmations.issue(TOOL, args).token;
    const second = confirmations.issue(TOOL, args).token;
    expect(first).not.toBe(second);
    await confirmations.consume(TOOL, args, second);
    await confirmations.consume(TOOL, args, first);
  });

  it('accepts the token with the control fields present (they are not part of what is confirmed)', async () => {
    const { confirmations } = withClock();
    const { token } = confirmations.issue(TOOL, { ...args, dryRun: false });
    await expect(confirmations.consume(TOOL, { ...args, confirmationToken: token }, token)).resolves.toBeUndefined();
  });

  it('accepts reordered keys, at the top and nested', async () => {
    const { confirmations } = withClock();
    const { token } = confirmations.issue(TOOL, args);
    await expect(confirmations.consume(TOOL, { note: { a: [1, 2], b: 2 }, contactId: '12345' }, token)).resolves.toBeUndefined();
  });

  it('rejects an expired token (injected clock), and accepts right up to expiry', async () => {
    const { confirmations, clock } = withClock();
    const late = confirmations.issue(TOOL, args).token;
    const onTime = confirmations.issue(TOOL, args).token;
    clock.now += 60_000;
    await expect(confirmations.consume(TOOL, args, onTime)).resolves.toBeUndefined();
    clock.now += 1;
    expect((await rejection(() => confirmations.consume(TOOL, args, late))).message).toMatch(/expired/);
  });

  it('rejects any changed field', async () => {
    const { confirmations } = withClock();
    const { token } = confirmations.issue(TOOL, args);
    const changed = [
      { ...args, contactId: '12346' },
      { ...args, note: { b: 3, a: [1, 2] } },
      { ...args, note: { b: 2, a: [2, 1] } },
      { ...args, note: { b: '2', a: [1, 2] } },
      { ...args, contactId: 12345 },
      { contactId: '12345' }, // a field removed
    ];
    for (const other of changed) {
      expect((await rejection(() => confirmations.consume(TOOL, other, token))).message, JSON.stringify(other)).toMatch(/does not match/);
    }
    // None of the failed attempts used the token up.
    await expect(confirmations.consume(TOOL, args, token)).resolves.toBeUndefined();
  });

  it('rejects an added field', async () => {
    const { confirmations } = withClock();
    const { token } = confirmations.issue(TOOL, args);
    await rejection(() => confirmations.consume(TOOL, { ...args, purge: true }, token));
    await rejection(() => confirmations.consume(TOOL, { ...args, note: { ...args.note, c: null } }, token));
  });

  it('rejects any change to the arguments (property)', async () => {
    const { confirmations } = withClock();
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1 }),
        fc.string({ minLength: 1, maxLength: 5 }),
        fc.jsonValue({ maxDepth: 1 }),
        async (original, key, value) => {
          const { token } = confirmations.issue(TOOL, original);
          const tampered = { ...original, [key]: value };
          fc.pre(!['dryRun', 'confirmationToken'].includes(key) && canonical(tampered) !== canonical(original));
          await rejection(() => confirmations.consume(TOOL, tampered, token));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects the token for another tool', async () => {
    const { confirmations } = withClock();
    const { token } = confirmations.issue(TOOL, args);
    await rejection(() => confirmations.consume('ringcentral_delete_message', args, token));
  });

  it('rejects a token of another secret (another server)', async () => {
    const mine = new Confirmations(newStore(), SECRET);
    const theirs = new Confirmations(newStore(), randomBytes(32));
    const { token } = theirs.issue(TOOL, args);
    await rejection(() => mine.consume(TOOL, args, token));
  });

  it('accepts a token of another instance with the same secret (shared secret)', async () => {
    const { token } = new Confirmations(newStore(), SECRET).issue(TOOL, args);
    await expect(new Confirmations(newStore(), SECRET).consume(TOOL, args, token)).resolves.toBeUndefined();
  });

  it('a token used by one process is refused by another sharing the secret and the store (single use across processes)', async () => {
    const shared = join(dir, 'shared');
    const { token } = new Confirmations(new FileStore(shared), SECRET).issue(TOOL, args);
    await expect(new Confirmations(new FileStore(shared), SECRET).consume(TOOL, args, token)).resolves.toBeUndefined();
    expect((await rejection(() => new Confirmations(new FileStore(shared), SECRET).consume(TOOL, args, token))).message).toMatch(
      /already used/,
    );
  });

  it('a store that does not answer refuses the token (state_unavailable), and the token stays usable', async () => {
    const down = {
      description: 'Redis at redis://127.0.0.1:1/',
      create: () => Promise.reject(new Error('not connected')),
      get: () => Promise.reject(new Error('not connected')),
      put: () => Promise.reject(new Error('not connected')),
      delete: () => Promise.reject(new Error('not connected')),
      deleteIf: () => Promise.reject(new Error('not connected')),
      memory: () => Promise.reject(new Error('not connected')),
      reachable: async () => false,
      close: async () => undefined,
    };
    const { token } = new Confirmations(down, SECRET).issue(TOOL, args);
    const error = await new Confirmations(down, SECRET).consume(TOOL, args, token).catch((e: unknown) => e as ToolError);
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).code).toBe('state_unavailable');
    expect((error as ToolError).message).toBe(
      'the single-use check of confirmationToken could not run because the shared state (Redis at redis://127.0.0.1:1/) did not answer (not connected); nothing was sent or changed',
    );
    await expect(new Confirmations(newStore(), SECRET).consume(TOOL, args, token)).resolves.toBeUndefined();
  });

  it('rejects malformed tokens', async () => {
    const { confirmations } = withClock();
    const { token } = confirmations.issue(TOOL, args);
    const [nonce, expires, mac] = token.split('.');
    const malformed = [
      '',
      'x',
      'a.b',
      `${token}.extra`,
      `.${expires}.${mac}`,
      `${nonce}.${expires}.`,
      `${nonce}..${mac}`,
      `${nonce}.!!.${mac}`,
    ];
    for (const bad of malformed) {
      expect((await rejection(() => confirmations.consume(TOOL, args, bad))).message, bad).toMatch(/malformed|does not match/);
    }
  });

  it('rejects a token whose expiry was pushed forward or whose mac was altered', async () => {
    const { confirmations } = withClock();
    const { token } = confirmations.issue(TOOL, args);
    const [nonce, expires, mac] = token.split('.');
    const later = (parseInt(expires, 36) + 3_600_000).toString(36);
    await rejection(() => confirmations.consume(TOOL, args, `${nonce}.${later}.${mac}`));
    const flipped = mac.slice(0, -1) + (mac.endsWith('A') ? 'B' : 'A');
    await rejection(() => confirmations.consume(TOOL, args, `${nonce}.${expires}.${flipped}`));
    await rejection(() => confirmations.consume(TOOL, args, `${nonce}x.${expires}.${mac}`));
  });

  // Only the server's own top-level control fields are ignored: otherwise a person could approve
  // an action input `{dryRun: true}` and the call run with `{dryRun: false}` on the same token.
  it('rejects a change to a nested field named dryRun (only top-level control fields are ignored)', async () => {
    const { confirmations } = withClock();
    const tool = 'ringcentral_run_action';
    const { token } = confirmations.issue(tool, { action: 'bulk-delete', input: { dryRun: true } });
    await rejection(() => confirmations.consume(tool, { action: 'bulk-delete', input: { dryRun: false } }, token));
  });
});
