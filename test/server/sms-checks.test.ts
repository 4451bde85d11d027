/**
 * send_sms checks before it asks: a `from` that cannot send SMS and a recipient given twice are
 * refused as invalid_input with the fix, before any preview, confirmation token or send.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Harness } from '../helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startServer();
});
afterAll(async () => {
  await h?.close();
});

/** CLI runs that would send: the send-sms action or a POST to the sms endpoint. */
const sendAttempts = () => h.sandbox.argvs().filter((argv) => argv.includes('send-sms') || argv.some((a) => /\/sms$/.test(a))).length;

describe('send_sms refuses before a token', () => {
  it('from a number without the SmsSender feature (the fax-only one): invalid_input naming the SMS numbers', async () => {
    const result = await h.call('ringcentral_send_sms', { from: '+16505550109', to: ['+16505550142'], text: 'from the fax line' });
    expect(result.isError).toBe(true);
    const text = h.text(result);
    expect(text).toMatch(
      /^invalid_input: from: \+16505550109 cannot send SMS \(it is not one of your numbers with the SmsSender feature\); nothing was sent/,
    );
    expect(text).toMatch(/Fix: use one of your SMS numbers \(\+16505550101, \+16505550102\) as from, or leave from out for \+16505550101/);
    expect(text).not.toMatch(/confirmationToken/);
    const dry = await h.call('ringcentral_send_sms', { from: '+16505550109', to: ['+16505550142'], text: 'x', dryRun: true });
    expect(h.text(dry)).toMatch(/^invalid_input: from: /);
    expect(sendAttempts()).toBe(0);
  });

  it('a recipient listed twice: invalid_input, and no CLI process at all', async () => {
    const before = h.sandbox.spawns();
    const result = await h.call('ringcentral_send_sms', { to: ['+16505550142', '+16505550143', '+16505550142'], text: 'twice' });
    expect(result.isError).toBe(true);
    expect(h.text(result)).toMatch(/^invalid_input: to: lists a number more than once; give each recipient once/);
    expect(h.sandbox.spawns()).toBe(before);
  });

  it('one of the SMS numbers as from gets the preview and a token', async () => {
    const result = await h.call('ringcentral_send_sms', { from: '+16505550102', to: ['+16505550142'], text: 'from the second line' });
    expect(result.structuredContent.status).toBe('confirmation_required');
    expect(result.structuredContent.preview.from).toBe('+16505550102');
    expect(sendAttempts()).toBe(0);
  });
});

describe('run_action does not go around a typed write tool', () => {
  it.each([
    [
      'send-sms',
      { from: { phoneNumber: '+16505550109' }, to: [{ phoneNumber: '+16505550142' }], text: 'from the fax line' },
      'ringcentral_send_sms',
    ],
    ['update-contact', { contactId: '1001', mobilePhone: '+16505550177' }, 'ringcentral_update_contact'],
    ['delete-message', { messageId: '1001' }, 'ringcentral_delete_message'],
  ])('%s: invalid_input naming the tool, before a token or any send', async (action, input, tool) => {
    const runs = h.sandbox.argvs().filter((argv) => argv.includes('run')).length;
    for (const dryRun of [false, true]) {
      const result = await h.call('ringcentral_run_action', { action, input: JSON.stringify(input), ...(dryRun ? { dryRun } : {}) });
      expect(result.isError).toBe(true);
      expect(h.text(result)).toBe(
        `invalid_input: action: ${action} is what ${tool} runs, with its own checks; nothing was sent\nFix: call ${tool} instead`,
      );
    }
    expect(h.sandbox.argvs().filter((argv) => argv.includes('run')).length).toBe(runs);
  });

  it('a read action of a typed tool still runs (after its confirmation)', async () => {
    const result = await h.call('ringcentral_run_action', { action: 'get-account-info' });
    expect(result.structuredContent.status).toBe('confirmation_required');
  });
});
