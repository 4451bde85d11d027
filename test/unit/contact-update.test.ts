/**
 * tools/contacts.ts update_contact and src/mcp/keyed-lock.ts: an address part is merged over the
 * address read just before the write, calls for one contact take turns in this process, and a
 * change by another process between the read and the write is refused, never overwritten.
 */
import { describe, expect, it } from 'vitest';
import { KeyedLock, recordLocks } from '../../src/mcp/keyed-lock.js';
import { refusal } from './caught.js';
import { scriptedContext, toolNamed } from './scripted-cli.js';

const BOOK = '/restapi/v1.0/account/~/extension/~/address-book/contact';
const update = toolNamed('ringcentral_update_contact');
const restCall = (input: Record<string, unknown>, ctx: ReturnType<typeof scriptedContext>['ctx']) => {
  if (update.exec.via !== 'rest') throw new Error('update_contact takes REST');
  return update.exec.rest.call(input, ctx);
};

/** A contact whose address is each of `addresses` in turn, one per read (the last one stays). */
function changing(...addresses: Array<Record<string, unknown>>) {
  let reads = 0;
  return scriptedContext({
    rest: { [`GET ${BOOK}/55`]: () => ({ id: 55, businessAddress: addresses[Math.min(reads++, addresses.length - 1)] }) },
  });
}

describe('update_contact against another process', () => {
  it('the address changed between the read and the write: conflict, with the fix, and no PATCH', async () => {
    const { ctx, argvs } = changing({ street: '1 Main St', city: 'Oslo' }, { street: '9 Other Rd', city: 'Oslo' });
    const error = await refusal(restCall({ contactId: '55', businessAddress: { city: 'Bergen' } }, ctx));
    expect(error.code).toBe('conflict');
    expect(error.message).toBe(
      'contact 55: its businessAddress changed while this update was being prepared ({"street":"1 Main St","city":"Oslo"} -> {"street":"9 Other Rd","city":"Oslo"}); nothing was sent, so that change is kept',
    );
    expect(error.details).toStrictEqual({
      fix: 'read the contact again (ringcentral_get_contact with contactId "55") and retry the update',
    });
    expect(argvs.filter((argv) => argv.includes('PATCH'))).toEqual([]);
  });

  it('an address that stayed the same is merged; a field other than the address reads nothing', async () => {
    const same = changing({ street: '1 Main St', city: 'Oslo' });
    expect(await restCall({ contactId: '55', businessAddress: { city: 'Bergen' } }, same.ctx)).toStrictEqual({
      method: 'PATCH',
      path: `${BOOK}/55`,
      body: { businessAddress: { street: '1 Main St', city: 'Bergen' } },
    });
    const none = changing({ street: '1 Main St' });
    expect(await restCall({ contactId: '55', notes: 'n' }, none.ctx)).toStrictEqual({
      method: 'PATCH',
      path: `${BOOK}/55`,
      body: { notes: 'n' },
    });
    expect(none.argvs).toEqual([]);
  });

  it('takes turns per contact (its exclusive key), whatever else the input holds', () => {
    expect(update.exclusiveKey?.({ contactId: '55', businessAddress: { city: 'x' } })).toBe('55');
    expect(update.exclusiveKey?.({ contactId: '56', notes: 'n' })).toBe('56');
  });
});

describe('KeyedLock', () => {
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('runs the tasks of one key one at a time, in order; other keys at once', async () => {
    const lock = new KeyedLock();
    const events: string[] = [];
    const releases: Record<string, () => void> = {};
    const task = (name: string) => () =>
      new Promise<string>((resolve) => {
        events.push(`start ${name}`);
        releases[name] = () => {
          events.push(`end ${name}`);
          resolve(name);
        };
      });
    const a1 = lock.run('a', task('a1'));
    const a2 = lock.run('a', task('a2'));
    const b1 = lock.run('b', task('b1'));
    await tick();
    expect(events).toEqual(['start a1', 'start b1']);
    releases.a1();
    expect(await a1).toBe('a1');
    await tick();
    expect(events).toEqual(['start a1', 'start b1', 'end a1', 'start a2']);
    releases.a2();
    releases.b1();
    expect(await Promise.all([a2, b1])).toEqual(['a2', 'b1']);
    expect(lock.size).toBe(0);
  });

  it('a task that fails hands its error to its caller and releases the key', async () => {
    const lock = new KeyedLock();
    const failed = lock.run('a', () => Promise.reject(new Error('boom')));
    const next = lock.run('a', () => Promise.resolve('next'));
    await expect(failed).rejects.toThrow('boom');
    expect(await next).toBe('next');
    expect(lock.size).toBe(0);
  });

  it("the process's lock starts empty", () => {
    expect(recordLocks.size).toBe(0);
  });
});
