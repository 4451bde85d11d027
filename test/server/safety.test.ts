/**
 * Safety: nothing irreversible reaches the CLI without a confirmation (token or elicitation),
 * dry runs execute nothing, read-only and toolset filters, duplicate SMS suppressed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { startServer, type Harness } from '../helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** `action run` processes whose input carries SMS fields: real sends. */
const sends = (harness: Harness) =>
  harness.sandbox
    .argvs()
    .filter(
      (argv) =>
        argv.includes('run') &&
        /"text"/.test(argv[argv.indexOf('--input') + 1] ?? '') &&
        /"to"/.test(argv[argv.indexOf('--input') + 1] ?? ''),
    ).length;

const deletes = (harness: Harness) =>
  harness.sandbox
    .argvs()
    .filter(
      (argv) => argv.includes('run') && /"contactId"/.test(argv[argv.indexOf('--input') + 1] ?? '') && !/firstName/.test(argv.join(' ')),
    ).length;

const SMS = { to: ['+16505550177'], text: 'Confirm me please' };

/** One server for the tests of a describe block (each counts the CLI runs it causes from its own start). */
function sharedServer(options: Parameters<typeof startServer>[0]): () => Harness {
  let server: Harness | undefined;
  beforeAll(async () => {
    server = await startServer(options);
  });
  afterAll(async () => server?.close());
  return () => server!;
}

describe('token confirmation', () => {
  const server = sharedServer({ args: ['--confirm', 'token'] });

  it('previews, then executes only with a valid token for the same arguments, once', async () => {
    const h = server();
    const sent = sends(h);
    const first = await h.call('ringcentral_send_sms', SMS);
    expect(first.isError).toBeFalsy();
    expect(first.structuredContent.status).toBe('confirmation_required');
    expect(first.structuredContent.preview).toMatchObject({ to: SMS.to, text: SMS.text });
    expect(first.structuredContent.preview.from).toMatch(/^\+1/);
    const token = first.structuredContent.confirmationToken as string;
    expect(sends(h) - sent).toBe(0);

    const tampered = await h.call('ringcentral_send_sms', { ...SMS, text: 'Something else', confirmationToken: token });
    expect(tampered.isError).toBe(true);
    expect(h.text(tampered)).toMatch(/confirmation_invalid.*does not match/);
    expect(sends(h) - sent).toBe(0);

    const confirmed = await h.call('ringcentral_send_sms', { ...SMS, confirmationToken: token });
    expect(confirmed.structuredContent.status).toBe('done');
    expect(sends(h) - sent).toBe(1);

    const reused = await h.call('ringcentral_send_sms', { text: SMS.text, to: SMS.to, idempotencyKey: 'other', confirmationToken: token });
    expect(reused.isError).toBe(true);
    expect(sends(h) - sent).toBe(1);

    const garbage = await h.call('ringcentral_delete_contact', { contactId: '1', confirmationToken: 'not.a.token' });
    expect(garbage.isError).toBe(true);
    expect(h.text(garbage)).toMatch(/confirmation_invalid/);
  });

  it('a delete preview names the record and deletes nothing', async () => {
    const h = server();
    const contacts = await h.call('ringcentral_list_contacts', { limit: 1 });
    const contact = contacts.structuredContent.records[0];
    const preview = await h.call('ringcentral_delete_contact', { contactId: String(contact.id) });
    expect(preview.structuredContent.status).toBe('confirmation_required');
    expect(preview.structuredContent.preview.contact).toEqual({ id: contact.id, card: contact.card });
    const still = await h.call('ringcentral_get_contact', { contactId: String(contact.id) });
    expect(still.isError).toBeFalsy();
  });

  it('non-GET proxy calls need confirmation; GET does not', async () => {
    const h = server();
    const get = await h.call('ringcentral_api_request', { method: 'GET', path: '/restapi/v1.0/account/~' });
    expect(get.structuredContent.status).toBe('done');
    const post = await h.call('ringcentral_api_request', {
      method: 'POST',
      path: '/restapi/v1.0/account/~/extension/~/address-book/contact',
      body: '{"firstName":"Proxy"}',
    });
    expect(post.structuredContent.status).toBe('confirmation_required');
    expect(h.sandbox.argvs().some((a) => a[0] === 'request' && a.includes('POST'))).toBe(false);
  });
});

describe('elicitation', () => {
  const withAnswer = (action: 'accept' | 'decline' | 'cancel', seen: string[]) => ({
    capabilities: { elicitation: {} },
    setup: (client: any) =>
      client.setRequestHandler(ElicitRequestSchema, async (request: any) => {
        seen.push(request.params.message);
        return action === 'accept' ? { action, content: { confirm: true } } : { action };
      }),
  });

  it('accept sends, and the person saw sender, recipients and the full text', async () => {
    const seen: string[] = [];
    h = await startServer(withAnswer('accept', seen));
    const result = await h.call('ringcentral_send_sms', SMS);
    expect(result.structuredContent.status).toBe('done');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toContain(SMS.text);
    expect(seen[0]).toContain(SMS.to[0]);
    expect(seen[0]).toMatch(/from: "\+1/);
    expect(sends(h)).toBe(1);
  });

  for (const answer of ['decline', 'cancel'] as const) {
    it(`${answer} sends nothing and says so`, async () => {
      const seen: string[] = [];
      h = await startServer(withAnswer(answer, seen));
      const result = await h.call('ringcentral_send_sms', SMS);
      expect(result.isError).toBe(true);
      expect(h.text(result)).toMatch(/declined|dismissed/);
      expect(h.text(result)).toMatch(/nothing was sent/);
      expect(sends(h)).toBe(0);
    });
  }
});

describe('dry run and idempotency', () => {
  const server = sharedServer({ args: ['--confirm', 'off'] });

  it('dryRun shows the payload and the exact argv, executing nothing', async () => {
    const h = server();
    const [sent, deleted] = [sends(h), deletes(h)];
    const dry = await h.call('ringcentral_send_sms', { ...SMS, dryRun: true });
    expect(dry.structuredContent.status).toBe('dry_run');
    const argv = dry.structuredContent.argv as string[];
    expect(argv).toContain('action');
    expect(JSON.parse(argv[argv.indexOf('--input') + 1])).toMatchObject({ text: SMS.text, to: [{ phoneNumber: SMS.to[0] }] });
    const proxyDry = await h.call('ringcentral_api_request', {
      method: 'DELETE',
      path: '/restapi/v1.0/account/~/extension/~/address-book/contact/1',
      dryRun: true,
    });
    expect(proxyDry.structuredContent.argv).toContain('DELETE');
    expect(sends(h) - sent).toBe(0);
    expect(deletes(h) - deleted).toBe(0);
  });

  it('the same SMS twice within the window is sent once', async () => {
    const h = server();
    const sent = sends(h);
    const one = await h.call('ringcentral_send_sms', SMS);
    const two = await h.call('ringcentral_send_sms', { text: SMS.text, to: [...SMS.to] });
    expect(one.structuredContent.status).toBe('done');
    expect(two.structuredContent.status).toBe('duplicate');
    expect(two.structuredContent.result.id).toBe(one.structuredContent.result.id);
    expect(sends(h) - sent).toBe(1);
    const other = await h.call('ringcentral_send_sms', { ...SMS, idempotencyKey: 'second-on-purpose' });
    expect(other.structuredContent.status).toBe('done');
    expect(sends(h) - sent).toBe(2);
  });
});

describe('read-only and toolsets', () => {
  it('read-only lists no write tool and rejects a POST proxy call before any spawn', async () => {
    h = await startServer({ args: ['--read-only'] });
    const { tools } = await h.client.listTools();
    expect(tools.length).toBeGreaterThan(10);
    for (const t of tools) expect(t.annotations?.readOnlyHint, t.name).toBe(true);
    expect(tools.map((t) => t.name)).not.toContain('ringcentral_send_sms');
    const before = h.sandbox.spawns();
    const post = await h.call('ringcentral_api_request', { method: 'POST', path: '/restapi/v1.0/account/~/extension/~/sms', body: '{}' });
    expect(post.isError).toBe(true);
    const sms = await h.call('ringcentral_send_sms', SMS);
    expect(sms.isError).toBe(true);
    expect(h.sandbox.spawns()).toBe(before);
  });

  it('toolsets and tools filter the list; read-only wins', async () => {
    h = await startServer({ args: ['--toolsets', 'messaging', '--tools', 'ringcentral_status', '--read-only'] });
    const names = (await h.client.listTools()).tools.map((t) => t.name).sort();
    expect(names).toEqual(['ringcentral_get_message', 'ringcentral_list_messages', 'ringcentral_status']);
  });
});
