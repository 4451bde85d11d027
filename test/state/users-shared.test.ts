/**
 * Issue 12, both halves at once: two HTTP instances with one users file, sharing Redis (and the
 * secret), as a team's deployment behind a load balancer. Each person's SMS window, tokens and
 * rate-limit penalties follow them from instance to instance, and never reach another person.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from '../helpers.js';
import { connectHttp, spawnHttp, textOf, type HttpChild, type HttpClient } from '../reach/helpers.js';
import { describeWithRedis, startRedis, type RedisServer } from './redis.js';

const TOKENS = { alice: 'alice-token-0123456789abcdef', bob: 'bob-token-0123456789abcdef' };
const sha = (token: string) => createHash('sha256').update(token).digest('hex');

let redis: RedisServer;
let sandbox: Sandbox;
const children: HttpChild[] = [];
const clients: HttpClient[] = [];
/** Each person's client on instance A and on instance B. */
let on: Record<'a' | 'b', Record<keyof typeof TOKENS, HttpClient>>;

/** An instance with its own TMPDIR and HOME, as on its own machine. */
async function instance(name: string, usersFile: string): Promise<Record<keyof typeof TOKENS, HttpClient>> {
  const home = join(sandbox.dir, name);
  mkdirSync(join(home, 'tmp'), { recursive: true });
  const child = await spawnHttp(['--sandbox', '--no-warmup'], {
    ...sandbox.env,
    MEMBRANE_SANDBOX_DELAY_MS: '0',
    HOME: home,
    TMPDIR: join(home, 'tmp'),
    RINGCENTRAL_MCP_USERS: usersFile,
    RINGCENTRAL_MCP_CONFIRM_SECRET: 'shared-secret-of-the-deployment',
    RINGCENTRAL_MCP_REDIS_URL: redis.url,
  });
  children.push(child);
  const [alice, bob] = await Promise.all([connectHttp(child.url, TOKENS.alice), connectHttp(child.url, TOKENS.bob)]);
  clients.push(alice, bob);
  return { alice, bob };
}

beforeAll(async () => {
  redis = await startRedis();
  sandbox = makeSandbox();
  const usersFile = join(sandbox.dir, 'users.json');
  const users = (['alice', 'bob'] as const).map((name) => ({ name, tokenSha256: sha(TOKENS[name]), tenantKey: `tenant-${name}` }));
  writeFileSync(usersFile, JSON.stringify({ users }));
  const [a, b] = await Promise.all([instance('a', usersFile), instance('b', usersFile)]);
  on = { a, b };
});

afterAll(async () => {
  for (const client of clients) await client.close();
  for (const child of children) await child.stop();
  await redis?.stop();
  sandbox?.cleanup();
});

/** `action run` processes of this person's tenant whose input carries this text: real sends. */
const sends = (tenant: string, text: string) =>
  sandbox
    .argvs()
    .filter(
      (argv) =>
        argv.includes('run') &&
        argv[argv.indexOf('--tenantKey') + 1] === tenant &&
        (argv[argv.indexOf('--input') + 1] ?? '').includes(JSON.stringify(text)),
    ).length;

describeWithRedis('a team on two instances sharing Redis', () => {
  it("a person's SMS is sent once whichever instance they use; the same words from another person are theirs", async () => {
    const sms = { to: ['+16505550161'], text: 'One team, two instances' };
    const preview = await on.a.alice.call('ringcentral_send_sms', sms);
    const sent = await on.a.alice.call('ringcentral_send_sms', { ...sms, confirmationToken: preview.structuredContent.confirmationToken });
    expect(sent.structuredContent.status).toBe('done');
    const again = await on.b.alice.call('ringcentral_send_sms', sms);
    expect(again.structuredContent).toMatchObject({ status: 'duplicate', result: { id: sent.structuredContent.result.id } });
    const bobs = await on.b.bob.call('ringcentral_send_sms', sms);
    expect(bobs.structuredContent.status).toBe('confirmation_required');
    expect([sends('tenant-alice', sms.text), sends('tenant-bob', sms.text)]).toEqual([1, 0]);
  });

  it('a token issued to one person on one instance is refused for another on the other, and still works for its owner there', async () => {
    const sms = { to: ['+16505550162'], text: 'Whose token is it' };
    const preview = await on.a.alice.call('ringcentral_send_sms', sms);
    const confirmationToken = preview.structuredContent.confirmationToken as string;
    const stolen = await on.b.bob.call('ringcentral_send_sms', { ...sms, confirmationToken });
    expect(textOf(stolen)).toMatch(/^confirmation_invalid: /);
    const own = await on.b.alice.call('ringcentral_send_sms', { ...sms, confirmationToken });
    expect(own.structuredContent.status).toBe('done');
    expect([sends('tenant-alice', sms.text), sends('tenant-bob', sms.text)]).toEqual([1, 0]);
  });

  it('a penalty a person meets on one instance keeps them, and only them, away from the CLI on the other', async () => {
    await Promise.all([on.b.alice.call('ringcentral_get_account_info'), on.b.bob.call('ringcentral_get_account_info')]);
    sandbox.setFault('rate-limit');
    expect(textOf(await on.a.alice.call('ringcentral_list_messages', { limit: 1 }))).toMatch(/^rate_limited: /);
    sandbox.setFault('');
    const before = sandbox.spawns();
    const alices = await on.b.alice.call('ringcentral_list_messages', { limit: 1 });
    expect(textOf(alices)).toMatch(/^rate_limited: RingCentral's \w+ rate-limit penalty is still running/);
    expect(sandbox.spawns()).toBe(before);
    const bobs = await on.b.bob.call('ringcentral_list_messages', { limit: 1 });
    expect(bobs.isError).toBeFalsy();
    expect(sandbox.spawns()).toBe(before + 1);
  });
});
