/**
 * Issue 12: two HTTP instances as on two machines (own temp and home folders), sharing only
 * Redis, the confirmation secret and the Membrane account (one sandbox state). A token used on
 * one is refused on the other; the same SMS through both goes out once; a rate-limit penalty
 * noted by one is honoured by the other; with Redis down, writes are refused and nothing is sent,
 * reads go on, and /healthz says so.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from '../helpers.js';
import { connectHttp, spawnHttp, textOf, type HttpChild, type HttpClient } from '../reach/helpers.js';
import { startRedis, type RedisServer } from './redis.js';

const TOKEN = 'shared-state-token-0123456789';
let redis: RedisServer;
let sandbox: Sandbox;
let a: HttpChild;
let b: HttpChild;
let ca: HttpClient;
let cb: HttpClient;

/** An instance with its own TMPDIR and HOME, as on its own machine. */
async function instance(name: string): Promise<HttpChild> {
  const home = join(sandbox.dir, name);
  mkdirSync(join(home, 'tmp'), { recursive: true });
  return spawnHttp(['--sandbox', '--no-warmup'], {
    ...sandbox.env,
    MEMBRANE_SANDBOX_DELAY_MS: '0',
    HOME: home,
    TMPDIR: join(home, 'tmp'),
    RINGCENTRAL_MCP_HTTP_TOKEN: TOKEN,
    RINGCENTRAL_MCP_CONFIRM_SECRET: 'shared-secret-of-the-deployment',
    RINGCENTRAL_MCP_REDIS_URL: redis.url,
  });
}

beforeAll(async () => {
  redis = await startRedis();
  sandbox = makeSandbox();
  [a, b] = await Promise.all([instance('a'), instance('b')]);
  [ca, cb] = await Promise.all([connectHttp(a.url, TOKEN), connectHttp(b.url, TOKEN)]);
});

afterAll(async () => {
  await ca?.close();
  await cb?.close();
  await a?.stop();
  await b?.stop();
  await redis?.stop();
  sandbox?.cleanup();
});

/** `action run` processes whose input carries this text: real sends. */
const sendsOf = (text: string) =>
  sandbox.argvs().filter((argv) => argv.includes('run') && (argv[argv.indexOf('--input') + 1] ?? '').includes(JSON.stringify(text))).length;
type Health = { ok: boolean; inFlight: number; state: { store: string; reachable: boolean } };
const health = async (child: HttpChild) => (await (await fetch(child.url.replace(/\/mcp$/, '/healthz'))).json()) as Health;

describe('two instances sharing Redis act as one', () => {
  it('/healthz names the Redis store and says it answers', async () => {
    expect(await health(a)).toMatchObject({ ok: true, inFlight: 0, state: { store: `Redis at ${redis.url}`, reachable: true } });
  });

  it('a confirmation token used on one instance is refused on the other', async () => {
    const created = await ca.call('ringcentral_create_contact', { firstName: 'Replay', lastName: 'Target' });
    const contactId = String(created.structuredContent.result.id);
    const preview = await ca.call('ringcentral_delete_contact', { contactId });
    const confirmationToken = preview.structuredContent.confirmationToken as string;
    const done = await ca.call('ringcentral_delete_contact', { contactId, confirmationToken });
    expect(done.structuredContent.status).toBe('done');
    const replay = await cb.call('ringcentral_delete_contact', { contactId, confirmationToken });
    expect(replay.isError).toBe(true);
    expect(textOf(replay)).toBe(
      'confirmation_invalid: confirmationToken was already used; nothing was done; call again without confirmationToken to get a fresh preview and token',
    );
  });

  it('the same SMS confirmed on both instances at once is sent once; a later preview on either says duplicate', async () => {
    const sms = { to: ['+16505550131'], text: 'Through two instances' };
    const [pa, pb] = await Promise.all([ca.call('ringcentral_send_sms', sms), cb.call('ringcentral_send_sms', sms)]);
    const [ra, rb] = await Promise.all([
      ca.call('ringcentral_send_sms', { ...sms, confirmationToken: pa.structuredContent.confirmationToken }),
      cb.call('ringcentral_send_sms', { ...sms, confirmationToken: pb.structuredContent.confirmationToken }),
    ]);
    expect([ra.structuredContent.status, rb.structuredContent.status].sort()).toEqual(['done', 'duplicate']);
    expect(ra.structuredContent.result.id).toBe(rb.structuredContent.result.id);
    const again = await cb.call('ringcentral_send_sms', sms);
    expect(again.structuredContent).toMatchObject({ status: 'duplicate', result: { id: ra.structuredContent.result.id } });
    expect(sendsOf(sms.text)).toBe(1);
  });

  it('a rate-limit penalty noted by one instance keeps the other away from the CLI', async () => {
    await cb.call('ringcentral_list_contacts', { limit: 1 }); // warm b: one CLI run per call from here
    sandbox.setFault('rate-limit');
    const limited = await ca.call('ringcentral_list_contacts', { limit: 1 });
    expect(textOf(limited)).toMatch(/^rate_limited: .*\nRetry after 60 s\./s);
    sandbox.setFault('');
    const before = sandbox.spawns();
    const other = await cb.call('ringcentral_list_contacts', { limit: 1 });
    expect(other.isError).toBe(true);
    expect(textOf(other)).toMatch(
      /^rate_limited: RingCentral's Heavy rate-limit penalty is still running; not sent, because a request now would restart it\nRetry after (5\d|60) s\./,
    );
    expect(sandbox.spawns()).toBe(before);
  });
});

describe('Redis stopped mid-run', () => {
  it('refuses writes whose checks need it (nothing sent), keeps reads working, reports it, and once back empty holds sends', async () => {
    const sms = { to: ['+16505550132'], text: 'Sent only with Redis up' };
    const preview = await ca.call('ringcentral_send_sms', sms);
    const confirmationToken = preview.structuredContent.confirmationToken as string;
    await redis.stop();
    try {
      for (const client of [ca, cb]) {
        const refused = await client.call('ringcentral_send_sms', { ...sms, confirmationToken });
        expect(refused.isError).toBe(true);
        const [headline, fix] = textOf(refused).split('\n');
        // Whether the client has noticed the stop yet decides its own words for it.
        expect(headline).toMatch(
          new RegExp(
            `^state_unavailable: the duplicate check of this send could not run because the shared state \\(Redis at redis://127\\.0\\.0\\.1:${redis.port}\\) did not answer \\((not connected( \\([^)]*\\))?|Socket closed unexpectedly)\\); nothing was sent or changed$`,
          ),
        );
        expect(fix).toBe(
          'Fix: bring the state store back (check that Redis is up and reachable from this server), then call again; reads keep working meanwhile',
        );
      }
      expect(sendsOf(sms.text)).toBe(0);
      const read = await cb.call('ringcentral_get_account_info');
      expect(read.isError).toBeFalsy();
      expect(await health(b)).toMatchObject({ ok: true, inFlight: 0, state: { store: `Redis at ${redis.url}`, reachable: false } });
    } finally {
      await redis.start();
    }
    await expect.poll(async () => (await health(a)).state.reachable, { timeout: 10_000, interval: 200 }).toBe(true);
    // It came back empty (no persistence): whether the SMS went out before cannot be known, so the
    // old token and the send wait for the duplicate window since the loss.
    for (const client of [ca, cb]) {
      const held = await client.call('ringcentral_send_sms', { ...sms, confirmationToken });
      expect(held.isError).toBe(true);
      expect(textOf(held)).toMatch(
        /^not_allowed: the shared state \(Redis at \S+\) lost its data at \S+: whether an identical send went out/,
      );
    }
    expect(sendsOf(sms.text)).toBe(0);
    expect((await cb.call('ringcentral_get_account_info')).isError).toBeFalsy();
  });
});

describe('two machines, each with its own copy of the sandbox account, sharing only Redis and the secret', () => {
  // Nothing else in common: own temp and home folders, own sandbox state file (the same seeded
  // account), own spawn log. Redis makes them one deployment all the same.
  const boxes: Sandbox[] = [];
  const children: HttpChild[] = [];
  // A Redis of their own: nothing the instances above left there (a penalty, a send) reaches these.
  let own: RedisServer;
  const clients: HttpClient[] = [];
  const machine = async () => {
    const box = makeSandbox({ MEMBRANE_SANDBOX_DELAY_MS: '0' });
    boxes.push(box);
    const child = await spawnHttp(['--sandbox', '--no-warmup'], {
      ...box.env,
      HOME: box.dir,
      RINGCENTRAL_MCP_HTTP_TOKEN: TOKEN,
      RINGCENTRAL_MCP_CONFIRM_SECRET: 'shared-secret-of-the-deployment',
      RINGCENTRAL_MCP_REDIS_URL: own.url,
    });
    children.push(child);
    const client = await connectHttp(child.url, TOKEN);
    clients.push(client);
    return { box, client };
  };
  const sendsIn = (text: string) =>
    boxes
      .flatMap((box) => box.argvs())
      .filter((argv) => argv.includes('run') && (argv[argv.indexOf('--input') + 1] ?? '').includes(JSON.stringify(text))).length;
  let m1: { box: Sandbox; client: HttpClient };
  let m2: { box: Sandbox; client: HttpClient };

  beforeAll(async () => {
    own = await startRedis();
    [m1, m2] = await Promise.all([machine(), machine()]);
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    for (const child of children) await child.stop();
    for (const box of boxes) box.cleanup();
    await own?.stop();
  });

  it('the same SMS through both is sent once, and a token used on one is refused on the other', async () => {
    const sms = { to: ['+16505550151'], text: 'Two machines, one send' };
    const preview = await m1.client.call('ringcentral_send_sms', sms);
    const sent = await m1.client.call('ringcentral_send_sms', { ...sms, confirmationToken: preview.structuredContent.confirmationToken });
    expect(sent.structuredContent.status).toBe('done');
    const other = await m2.client.call('ringcentral_send_sms', sms);
    expect(other.structuredContent).toMatchObject({ status: 'duplicate', result: { id: sent.structuredContent.result.id } });
    expect(sendsIn(sms.text)).toBe(1);

    // A seeded contact has the same id in both copies of the account.
    const listed = await m1.client.call('ringcentral_list_contacts', { limit: 1 });
    const contactId = String(listed.structuredContent.records[0].id);
    const deletion = await m1.client.call('ringcentral_delete_contact', { contactId });
    const confirmationToken = deletion.structuredContent.confirmationToken as string;
    expect((await m1.client.call('ringcentral_delete_contact', { contactId, confirmationToken })).structuredContent.status).toBe('done');
    const replay = await m2.client.call('ringcentral_delete_contact', { contactId, confirmationToken });
    expect(textOf(replay)).toMatch(/^confirmation_invalid: confirmationToken was already used;/);
  });

  it('a penalty met by one is honoured by the other, which starts no CLI', async () => {
    await m2.client.call('ringcentral_get_account_info'); // warm: one CLI run per call from here
    m1.box.setFault('rate-limit');
    const limited = await m1.client.call('ringcentral_list_messages', { limit: 1 });
    expect(textOf(limited)).toMatch(/^rate_limited: /);
    m1.box.setFault('');
    const before = m2.box.spawns();
    const other = await m2.client.call('ringcentral_list_messages', { limit: 1 });
    expect(textOf(other)).toMatch(/^rate_limited: RingCentral's \w+ rate-limit penalty is still running/);
    expect(m2.box.spawns()).toBe(before);
  });
});
