/**
 * Per-user identity over HTTP (`--users`): each bearer token is a person; every CLI run of their
 * request carries only their Membrane tenant (and their pinned connection); confirmation tokens
 * and the SMS window do not cross users; unknown tokens get 401; the file is re-read on change or
 * on request without dropping calls in flight. The empty token lets nobody in; a deleted or broken
 * file lets nobody in and says so; --connection-id is refused with --users; no CLI run without a
 * tenant.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHttp, type HttpHandle } from '../../dist/src/index.js';
import { makeSandbox, ROOT, SANDBOX, type Sandbox } from '../helpers.js';
import { connectHttp, spawnHttp, textOf, type HttpClient } from '../reach/helpers.js';

const TOKENS = {
  alice: 'alice-token-0123456789abcdef',
  bob: 'bob-token-0123456789abcdef',
  carol: 'carol-token-0123456789abcdef',
  dana: 'dana-token-0123456789abcdef',
};
/** Bob's own connection in his tenant, pinned in the users file. */
let PINNED = '';
const sha = (token: string) => createHash('sha256').update(token).digest('hex');
const entry = (name: keyof typeof TOKENS, extra: Record<string, string> = {}) => ({
  name,
  tokenSha256: sha(TOKENS[name]),
  tenantKey: `tenant-${name}`,
  ...extra,
});
/** Dana is new: the sandbox starts a tenant whose key begins with `new-` without a connection. */
const dana = () => ({ ...entry('dana'), tenantKey: 'new-dana' });

let sandbox: Sandbox;
let usersFile: string;
let server: HttpHandle;
let alice: HttpClient;
let bob: HttpClient;

const writeUsers = (users: unknown[]) => writeFileSync(usersFile, JSON.stringify({ users }));
const restoreUsers = () => {
  writeUsers([entry('alice'), entry('bob', { connectionId: PINNED }), dana()]);
  server.reloadUsers();
};
/** The hash of the empty token, and how the README and the errors say to make a token. */
const EMPTY_SHA = sha('');
const RECIPE = `node -e 'const c=require("crypto"),t=c.randomBytes(32).toString("hex");console.log("token:       "+t+"\\ntokenSha256: "+c.createHash("sha256").update(t).digest("hex"))'`;

async function health(): Promise<{ status: number; body: any }> {
  const res = await fetch(server.url.replace(/\/mcp$/, '/healthz'));
  return { status: res.status, body: await res.json() };
}

/** What the server writes to stderr while `work` runs (it runs in this process). */
async function stderrOf(work: () => Promise<unknown>): Promise<string> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  return lines.join('');
}

/** Starts a server that should be refused: resolves to the error, and stops it if it started after all. */
async function refusedStart(options: Parameters<typeof startHttp>[0], http: Parameters<typeof startHttp>[1]): Promise<Error> {
  const outcome = await startHttp(options, http).then(
    (handle) => handle,
    (error: Error) => error,
  );
  if (outcome instanceof Error) return outcome;
  await outcome.close();
  return new Error('started');
}

/** The CLI runs `work` caused, from the sandbox's spawn log. */
async function runsOf(work: () => Promise<unknown>): Promise<string[][]> {
  const before = sandbox.argvs().length;
  await work();
  return sandbox.argvs().slice(before);
}

const tenantsIn = (argvs: string[][]) => [
  ...new Set(argvs.map((argv) => (argv.includes('--tenantKey') ? argv[argv.indexOf('--tenantKey') + 1] : '(none)'))),
];

async function post(token: string | undefined, authorization = token ? `Bearer ${token}` : undefined): Promise<number> {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(authorization !== undefined ? { authorization } : {}),
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
  });
  return res.status;
}

beforeAll(async () => {
  sandbox = makeSandbox({ MEMBRANE_SANDBOX_DELAY_MS: '1500' });
  // The server's state files go to this test's folder, not the user's temp dir.
  mkdirSync(join(sandbox.dir, 'tmp'));
  vi.stubEnv('TMPDIR', join(sandbox.dir, 'tmp'));
  usersFile = join(sandbox.dir, 'users.json');
  const listed = execFileSync(process.execPath, [SANDBOX, 'connection', 'list', '--tenantKey', 'tenant-bob', '--json'], {
    env: { ...process.env, ...sandbox.env },
    encoding: 'utf8',
  });
  PINNED = (JSON.parse(listed) as { items: Array<{ id: string }> }).items[0].id;
  writeUsers([entry('alice'), entry('bob', { connectionId: PINNED }), dana()]);
  server = await startHttp({ sandbox: true, warmup: false, env: sandbox.env }, { port: 0, users: usersFile, token: undefined });
  [alice, bob] = await Promise.all([connectHttp(server.url, TOKENS.alice), connectHttp(server.url, TOKENS.bob)]);
});

afterAll(async () => {
  await alice?.close();
  await bob?.close();
  await server?.close();
  vi.unstubAllEnvs();
  sandbox?.cleanup();
});

describe('each person acts as their own Membrane tenant', () => {
  it("every CLI run of alice's calls carries --tenantKey tenant-alice and nothing of bob's", async () => {
    const runs = await runsOf(() => alice.call('ringcentral_list_contacts', { limit: 2 }));
    expect(runs.map((argv) => argv.slice(0, 2).join(' '))).toEqual(['connection list', 'action list', 'action run']);
    expect(tenantsIn(runs)).toEqual(['tenant-alice']);
  });

  it("bob's pinned connection is used as is (no connection list), with his tenant", async () => {
    const runs = await runsOf(() => bob.call('ringcentral_list_contacts', { limit: 2 }));
    expect(runs.map((argv) => argv.slice(0, 2).join(' '))).toEqual(['action list', 'action run']);
    expect(tenantsIn(runs)).toEqual(['tenant-bob']);
    for (const argv of runs) expect(argv[argv.indexOf('--connectionId') + 1]).toBe(PINNED);
  });

  it('a confirmation token issued to alice is refused for bob, and still works for alice', async () => {
    const created = await alice.call('ringcentral_create_contact', { firstName: 'Owned', lastName: 'ByAlice' });
    const contactId = String(created.structuredContent.result.id);
    const preview = await alice.call('ringcentral_delete_contact', { contactId });
    const confirmationToken = preview.structuredContent.confirmationToken as string;
    const stolen = await bob.call('ringcentral_delete_contact', { contactId, confirmationToken });
    expect(textOf(stolen)).toBe(
      'confirmation_invalid: confirmationToken does not match these arguments (they changed since the preview, or it is from another tool, user or server); nothing was done; call again without confirmationToken to get a fresh preview and token',
    );
    const runs = await runsOf(() => alice.call('ringcentral_delete_contact', { contactId, confirmationToken }));
    expect(tenantsIn(runs)).toEqual(['tenant-alice']);
  });

  it("the SMS duplicate window is per person: bob's identical SMS is his own send, not alice's duplicate", async () => {
    const sms = { to: ['+16505550141'], text: 'Same words, two people' };
    const aPreview = await alice.call('ringcentral_send_sms', sms);
    const aSent = await alice.call('ringcentral_send_sms', { ...sms, confirmationToken: aPreview.structuredContent.confirmationToken });
    expect(aSent.structuredContent.status).toBe('done');
    const bPreview = await bob.call('ringcentral_send_sms', sms);
    expect(bPreview.structuredContent.status).toBe('confirmation_required');
    const again = await alice.call('ringcentral_send_sms', sms);
    expect(again.structuredContent.status).toBe('duplicate');
  });

  it('a person whose tenant has no RingCentral connection is told the command and handed the link to open', async () => {
    const client = await connectHttp(server.url, TOKENS.dana);
    try {
      const first = await client.call('ringcentral_list_contacts', { limit: 1 });
      expect(first.isError).toBe(true);
      expect(textOf(first)).toBe(
        'no_connection: your Membrane tenant "new-dana" has no RingCentral connection yet\n' +
          'Fix: open https://app.sandbox.invalid/connect/ringcentral?tenantKey=new-dana to connect your RingCentral account (hand this link to the person), then call again; or run membrane connection ensure "https://ringcentral.com" --tenantKey new-dana\n' +
          '{"upstreamCode":"CLIENT_ACTION_REQUIRED"}',
      );
      // Dana's runs carried her tenant only: list, then ensure (which gave the link).
      expect(tenantsIn(sandbox.argvs().slice(-2))).toEqual(['new-dana']);
      expect(
        sandbox
          .argvs()
          .slice(-2)
          .map((argv) => argv.slice(0, 2).join(' ')),
      ).toEqual(['connection list', 'connection ensure']);
    } finally {
      await client.close();
    }
  });

  it('ringcentral_status for a person runs as their tenant and hands over their link and command', async () => {
    const client = await connectHttp(server.url, TOKENS.dana);
    try {
      const runs = await runsOf(() => client.call('ringcentral_status'));
      // `--version` asks the CLI itself, not a tenant.
      expect(tenantsIn(runs.filter((argv) => argv[0] !== '--version'))).toEqual(['new-dana']);
      const status = await client.call('ringcentral_status');
      expect(status.structuredContent.problems).toEqual([
        {
          problem: 'no_connection: your Membrane tenant "new-dana" has no RingCentral connection yet',
          fix: 'open https://app.sandbox.invalid/connect/ringcentral?tenantKey=new-dana to connect your RingCentral account (hand this link to the person), then call again; or run membrane connection ensure "https://ringcentral.com" --tenantKey new-dana',
        },
      ]);
    } finally {
      await client.close();
    }
  });

  it('a person pinned to a connection their tenant does not have is told the commands for their own tenant', async () => {
    writeUsers([entry('alice'), entry('bob', { connectionId: PINNED }), dana(), entry('carol', { connectionId: PINNED })]);
    server.reloadUsers();
    const client = await connectHttp(server.url, TOKENS.carol);
    try {
      const fix = `Fix: membrane connection ensure "https://ringcentral.com" --tenantKey tenant-carol; if you pinned an id, check it with membrane connection list --tenantKey tenant-carol --json`;
      const call = await client.call('ringcentral_get_account_info');
      expect(textOf(call).split('\n')[1]).toBe(fix);
      const status = await client.call('ringcentral_status');
      expect(status.structuredContent.problems[0].fix).toBe(fix.slice('Fix: '.length));
    } finally {
      await client.close();
      writeUsers([entry('alice'), entry('bob', { connectionId: PINNED }), dana()]);
      server.reloadUsers();
    }
  });

  it('an unknown or missing token gets 401', async () => {
    expect(await post(TOKENS.alice)).toBe(200);
    expect(await post(TOKENS.carol)).toBe(401);
    expect(await post(undefined)).toBe(401);
    expect(await post(sha(TOKENS.alice))).toBe(401); // the stored hash is not a token
  });
});

describe('the users file is re-read', () => {
  it('a change is picked up by itself: a new user can call, a removed one gets 401', async () => {
    writeUsers([entry('alice'), entry('carol')]);
    await expect.poll(() => post(TOKENS.carol), { timeout: 10_000, interval: 200 }).toBe(200);
    expect(await post(TOKENS.bob)).toBe(401);
    writeUsers([entry('alice'), entry('bob', { connectionId: PINNED }), dana()]);
    server.reloadUsers();
    expect(await post(TOKENS.bob)).toBe(200);
    expect(await post(TOKENS.carol)).toBe(401);
  });

  it('a call in flight when its user is removed finishes as that user', async () => {
    sandbox.setFault('slow');
    try {
      const pending = bob.call('ringcentral_get_account_info');
      await new Promise((r) => setTimeout(r, 500));
      writeUsers([entry('alice')]);
      server.reloadUsers();
      const result = await pending;
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(await post(TOKENS.bob)).toBe(401);
    } finally {
      sandbox.setFault('');
      writeUsers([entry('alice'), entry('bob', { connectionId: PINNED }), dana()]);
      server.reloadUsers();
    }
  });
});

describe('start-up checks', () => {
  it('refuses a users file together with RINGCENTRAL_MCP_HTTP_TOKEN, and a malformed entry, naming the field', async () => {
    await expect(
      startHttp({ sandbox: true, warmup: false, env: sandbox.env }, { port: 0, users: usersFile, token: 'x'.repeat(20) }),
    ).rejects.toThrow(
      'give either a users file (--users) or RINGCENTRAL_MCP_HTTP_TOKEN, not both: with a users file every token is a user',
    );
    const bad = join(sandbox.dir, 'bad-users.json');
    writeFileSync(bad, JSON.stringify({ users: [{ name: 'eve', tokenSha256: 'abc', tenantKey: 'eve' }] }));
    await expect(startHttp({ sandbox: true, warmup: false, env: sandbox.env }, { port: 0, users: bad })).rejects.toThrow(
      `users file ${bad}, users[0].tokenSha256 must be the hex SHA-256 of the bearer token (64 hex digits): ${RECIPE}, got "abc"`,
    );
    writeFileSync(bad, JSON.stringify({ users: [{ name: 'eve', tokenSha256: sha('e'), tenantKey: '--json' }] }));
    await expect(startHttp({ sandbox: true, warmup: false, env: sandbox.env }, { port: 0, users: bad })).rejects.toThrow(
      /users\[0\]\.tenantKey must be a Membrane tenant key/,
    );
  });

  it('serves off loopback with a users file and no single token (RINGCENTRAL_MCP_USERS)', async () => {
    const child = await spawnHttp(['--sandbox', '--no-warmup', '--host', '0.0.0.0'], {
      ...sandbox.env,
      RINGCENTRAL_MCP_USERS: usersFile,
      RINGCENTRAL_MCP_HTTP_TOKEN: '',
    });
    try {
      const url = child.url.replace('0.0.0.0', '127.0.0.1');
      const health = (await (await fetch(url.replace(/\/mcp$/, '/healthz'))).json()) as { users?: unknown };
      expect(health.users).toEqual({ count: 3, state: 'ok' });
    } finally {
      await child.stop();
    }
  });
});

describe('the empty token lets nobody in', () => {
  it('an entry whose tokenSha256 is the hash of the empty token is refused at start, naming it and the fix', async () => {
    const bad = join(sandbox.dir, 'empty-users.json');
    writeFileSync(bad, JSON.stringify({ users: [{ name: 'eve', tokenSha256: EMPTY_SHA.toUpperCase(), tenantKey: 'eve' }] }));
    const error = await refusedStart({ sandbox: true, warmup: false, env: sandbox.env }, { port: 0, users: bad });
    expect(error.message).toBe(
      `users file ${bad}, users[0].tokenSha256 is the SHA-256 of an empty token, which would let in as eve every request that sends no token; make a token and its hash with: ${RECIPE}`,
    );
  });

  it('and at reload: nobody is let in, least of all a request without a token', async () => {
    try {
      writeUsers([entry('alice'), { name: 'eve', tokenSha256: EMPTY_SHA, tenantKey: 'tenant-eve' }]);
      server.reloadUsers();
      for (const authorization of [undefined, 'Bearer ', 'Bearer', 'Basic ZXZlOg==', 'Bearer  \t', '']) {
        expect(await post(undefined, authorization), String(authorization)).toBe(401);
      }
      expect((await health()).body.users).toMatchObject({ count: 0, state: 'invalid' });
    } finally {
      restoreUsers();
    }
  });

  it('an empty or malformed credential gets 401 without a look-up, even while no users are in force', async () => {
    try {
      writeFileSync(usersFile, '{"users": [');
      server.reloadUsers();
      for (const authorization of [
        undefined,
        'Bearer ',
        `Basic ${TOKENS.alice}`,
        `Bearer ${TOKENS.alice} extra`,
        `Bearer\t${TOKENS.alice}`,
      ]) {
        expect(await post(undefined, authorization), String(authorization)).toBe(401);
      }
      // A well-formed token is told that nobody is in force (see the next block).
      expect(await post(TOKENS.alice)).toBe(503);
    } finally {
      restoreUsers();
    }
    expect(await post(TOKENS.alice)).toBe(200);
    expect(await post(undefined, `bearer   ${TOKENS.alice}`)).toBe(200);
  });

  it("the README's recipe makes a token and its hash, and prints no hash at all when node is missing", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const recipe = /Make a token and its hash[^`]*`([^`]+)`/.exec(readme)?.[1] ?? '';
    const made = spawnSync('/bin/sh', ['-c', recipe], { encoding: 'utf8', env: { PATH: dirname(process.execPath) } });
    const token = /token: +(\S+)/.exec(made.stdout)?.[1] ?? '';
    const hash = /tokenSha256: +([0-9a-f]{64})/.exec(made.stdout)?.[1];
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(sha(token));
    // Without node (nor openssl) on PATH, only the tools a shell needs to hash text.
    const bin = join(sandbox.dir, 'bare-bin');
    mkdirSync(bin);
    for (const tool of ['sha256sum', 'cut', 'xxd']) {
      const found = spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      if (found) symlinkSync(found, join(bin, tool));
    }
    const bare = spawnSync('/bin/sh', ['-c', recipe], { encoding: 'utf8', env: { PATH: bin } });
    expect(bare.status).not.toBe(0);
    expect(bare.stdout).not.toMatch(/[0-9a-f]{64}/);
  });
});

describe('revocation fails closed', () => {
  it('a broken edit lets nobody in until it is fixed; /healthz and stderr say what is in force', async () => {
    const broken = await stderrOf(async () => {
      writeFileSync(usersFile, '{"users": [ {"name": "alice"');
      server.reloadUsers();
    });
    expect(broken).toMatch(
      new RegExp(`^ringcentral-mcp: users file ${usersFile}: .+; nobody is let in until it is fixed \\(0 users in force\\)\n$`),
    );
    try {
      expect(await post(TOKENS.alice)).toBe(503);
      expect(await post(TOKENS.bob)).toBe(503);
      const now = await health();
      expect(now.status).toBe(503);
      expect(now.body).toMatchObject({
        ok: false,
        users: { count: 0, state: 'invalid', error: expect.stringMatching(`^users file ${usersFile}: `) },
      });
    } finally {
      const fixed = await stderrOf(async () => restoreUsers());
      expect(fixed).toBe(`ringcentral-mcp: users file ${usersFile}: 3 user(s) in force: alice, bob, dana\n`);
    }
    expect(await post(TOKENS.alice)).toBe(200);
    expect(await health()).toMatchObject({ status: 200, body: { ok: true, users: { count: 3, state: 'ok' } } });
  });

  it('a deleted users file lets nobody in (noticed by itself), and its return lets them back in', async () => {
    try {
      rmSync(usersFile);
      await expect.poll(() => post(TOKENS.alice), { timeout: 10_000, interval: 200 }).toBe(503);
      expect(await health()).toMatchObject({
        status: 503,
        body: { ok: false, users: { count: 0, state: 'missing', error: `users file ${usersFile} is missing` } },
      });
      expect(await post(TOKENS.bob)).toBe(503);
      const said = await stderrOf(async () => server.reloadUsers());
      expect(said).toBe(`ringcentral-mcp: users file ${usersFile} is missing; nobody is let in until it is back (0 users in force)\n`);
    } finally {
      writeUsers([entry('alice'), entry('bob', { connectionId: PINNED }), dana()]);
    }
    await expect.poll(() => post(TOKENS.alice), { timeout: 10_000, interval: 200 }).toBe(200);
    expect((await health()).body.users).toEqual({ count: 3, state: 'ok' });
  });
});

describe("the operator's connection is not every person's", () => {
  it('refuses --connection-id together with a users file, naming the fix', async () => {
    const error = await refusedStart(
      { sandbox: true, warmup: false, env: sandbox.env, connectionId: PINNED },
      { port: 0, users: usersFile },
    );
    expect(error.message).toBe(
      `--connection-id (or RINGCENTRAL_CONNECTION_ID) pins one connection for the whole server, but with --users each person acts in their own Membrane tenant: remove it, and pin a person's connection with "connectionId" in their entry of ${usersFile}`,
    );
    const child = spawnHttp(['--sandbox', '--no-warmup'], {
      ...sandbox.env,
      RINGCENTRAL_MCP_USERS: usersFile,
      RINGCENTRAL_CONNECTION_ID: PINNED,
      RINGCENTRAL_MCP_HTTP_TOKEN: '',
    });
    const outcome = await child.then(
      async (started) => {
        await started.stop();
        return 'started';
      },
      (e: Error) => e.message,
    );
    expect(outcome).toMatch(/^exited 2 before serving[\s\S]*--connection-id \(or RINGCENTRAL_CONNECTION_ID\) pins one connection/);
  });
});

describe('users mode runs nothing without a tenant', () => {
  it("with warm-up on, only a person's runtime warms up, in their tenant, once they connect", async () => {
    const own = makeSandbox();
    const warm = await startHttp({ sandbox: true, env: own.env }, { port: 0, users: usersFile });
    try {
      const client = await connectHttp(warm.url, TOKENS.alice);
      // Alice's warm-up: her actions, looked up in her tenant before her first call.
      await expect.poll(() => own.argvs().some((argv) => argv.slice(0, 2).join(' ') === 'action list'), { timeout: 15_000 }).toBe(true);
      const call = await client.call('ringcentral_get_account_info');
      expect(call.isError, textOf(call)).toBeFalsy();
      await client.close();
      expect(tenantsIn(own.argvs())).toEqual(['tenant-alice']);
    } finally {
      await warm.close();
      own.cleanup();
    }
  });
});
