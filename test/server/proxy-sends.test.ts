/**
 * The API proxy is no way around ringcentral_send_sms's checks (sender, duplicate window): a POST
 * that would send an SMS, a pager message or a fax is refused before any CLI run, whatever the
 * spelling of its path, and nothing reaches the message store.
 */
import { afterEach, expect, it } from 'vitest';
import { startServer, type Harness } from '../helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const STORE = '/restapi/v1.0/account/~/extension/~/message-store';

it('POSTs to .../sms (any spelling), .../company-pager and .../fax are not_allowed naming ringcentral_send_sms; no message is stored', async () => {
  // Confirmation off: without the refusal, each of these would be sent at once.
  h = await startServer({ args: ['--confirm', 'off'] });
  const harness = h;
  const stored = async () => {
    const listed = await harness.call('ringcentral_api_request', {
      method: 'GET',
      path: STORE,
      query: [{ name: 'perPage', value: '1000' }],
    });
    expect(listed.isError, harness.text(listed)).toBeFalsy();
    return listed.structuredContent.result.body.paging.totalElements as number;
  };
  const me = (await h.call('ringcentral_api_request', { method: 'GET', path: '/restapi/v1.0/account/~/extension/~' })).structuredContent
    .result.body;
  const from = (await h.call('ringcentral_send_sms', { to: ['+16505550177'], text: 'A real one', dryRun: true })).structuredContent.preview
    .from as string;
  const before = await stored();
  const spawnsBefore = h.sandbox.spawns();

  const body = JSON.stringify({ from: { phoneNumber: from }, to: [{ phoneNumber: '+16505550177' }], text: 'Through the proxy' });
  const paths = [
    '/restapi/v1.0/account/~/extension/~/sms',
    '/restapi/v1.0/account/~/extension/~/sms',
    `/restapi/v1.0/account/${String(me.account?.id ?? '~')}/extension/${String(me.id)}/sms/`,
    '/restapi/v1.0/account/~/extension/~/SMS',
    '/restapi/v1.0/account/~/extension/~/company-pager',
    '/restapi/v1.0/account/~/extension/~/fax',
  ];
  for (const path of paths) {
    const result = await h.call('ringcentral_api_request', { method: 'POST', path, body });
    expect(result.isError, path).toBe(true);
    expect(h.text(result), path).toMatch(
      /^not_allowed: POST .* would send (an SMS|a pager message|a fax): .*ringcentral_send_sms; nothing was sent\n/,
    );
    expect(h.text(result), path).toMatch(/\nFix: send an SMS with ringcentral_send_sms; a pager message or a fax has no tool here/);
  }
  // A dry run is refused the same way: it would show an argv for a send the proxy never runs.
  const dry = await h.call('ringcentral_api_request', { method: 'POST', path: paths[0], body, dryRun: true });
  expect(h.text(dry)).toMatch(/^not_allowed: /);

  expect(h.sandbox.spawns(), 'no CLI run for a refused call').toBe(spawnsBefore);
  expect(await stored()).toBe(before);
  const sent = await h.call('ringcentral_send_sms', { to: ['+16505550177'], text: 'A real one' });
  expect(sent.structuredContent.status, h.text(sent)).toBe('done');
  expect(await stored()).toBe(before + 1);
});
