/**
 * Confirmation with clients that advertise elicitation but cannot answer it: the token flow
 * takes over, and stays for that client; only an explicit `confirm: true` is a yes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
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

const SMS = { to: ['+16505550177'], text: 'Confirm me please' };

type Answer = { action: 'accept'; content?: Record<string, unknown> };
/** Server options for a client whose elicitation handler gives `answer` (or throws), and how often it was asked. */
function askingClient(answer: () => Answer) {
  const counter = { asked: 0 };
  const options = {
    capabilities: { elicitation: {} },
    setup: (client: Client) =>
      client.setRequestHandler(ElicitRequestSchema, async () => {
        counter.asked++;
        return answer();
      }),
  };
  return { options, asked: () => counter.asked };
}

describe('a client that advertises elicitation but cannot answer', () => {
  it('without a handler (method not found): a preview and a token, and the token sends once', async () => {
    h = await startServer({ capabilities: { elicitation: {} } });
    const first = await h.call('ringcentral_send_sms', SMS);
    expect(first.isError, h.text(first)).toBeFalsy();
    expect(first.structuredContent.status).toBe('confirmation_required');
    expect(first.structuredContent.preview).toMatchObject({ to: SMS.to, text: SMS.text });
    expect(sends(h)).toBe(0);
    const done = await h.call('ringcentral_send_sms', { ...SMS, confirmationToken: first.structuredContent.confirmationToken });
    expect(done.structuredContent.status).toBe('done');
    expect(sends(h)).toBe(1);
    expect(h.stderr()).toMatch(/confirming with tokens for this session/);
  });

  it('a handler that fails: tokens from then on, without asking that client again', async () => {
    const client = askingClient(() => {
      throw new Error('this client shows no dialogs');
    });
    h = await startServer(client.options);
    const first = await h.call('ringcentral_send_sms', SMS);
    expect(first.structuredContent.status).toBe('confirmation_required');
    const second = await h.call('ringcentral_send_sms', { ...SMS, text: 'Another one' });
    expect(second.structuredContent.status).toBe('confirmation_required');
    expect(client.asked()).toBe(1);
    expect(sends(h)).toBe(0);
  });
});

describe('only an explicit confirm: true is a yes', () => {
  // One server and client; each test sets the answer the person gives and counts from its own start.
  let answer: Answer = { action: 'accept' };
  const client = askingClient(() => answer);
  let server: Harness | undefined;
  beforeAll(async () => {
    server = await startServer(client.options);
  });
  afterAll(async () => server?.close());

  for (const [label, content] of [
    ['accept without content', undefined],
    ['accept with confirm: false', { confirm: false }],
  ] as const) {
    it(`${label} sends nothing`, async () => {
      const h = server!;
      answer = content ? { action: 'accept', content } : { action: 'accept' };
      const sent = sends(h);
      const result = await h.call('ringcentral_send_sms', SMS);
      expect(result.isError).toBe(true);
      expect(h.text(result)).toMatch(/^declined: the person declined the confirmation; nothing was sent or changed/);
      expect(sends(h) - sent).toBe(0);
    });
  }

  // The SDK refuses these answers against the form's schema: still an answer from the person,
  // so a decline, and the next call asks again (not a token the model could use on its own).
  for (const [label, content] of [
    ['accept with empty content (box left unticked)', {}],
    ['accept with confirm: "true" (a string)', { confirm: 'true' }],
  ] as const) {
    it(`${label} is a decline, and the person is asked again next time`, async () => {
      const h = server!;
      answer = { action: 'accept', content };
      const [sent, asked] = [sends(h), client.asked()];
      for (const text of ['Confirm me please', 'And me']) {
        const result = await h.call('ringcentral_send_sms', { ...SMS, text });
        expect(result.isError, h.text(result)).toBe(true);
        expect(h.text(result)).toMatch(/^declined: /);
        expect(result.structuredContent?.confirmationToken).toBeUndefined();
      }
      expect(client.asked() - asked).toBe(2);
      expect(sends(h) - sent).toBe(0);
      expect(h.stderr()).not.toMatch(/confirming with tokens/);
    });
  }

  it('accept with confirm: true sends', async () => {
    const h = server!;
    answer = { action: 'accept', content: { confirm: true } };
    const sent = sends(h);
    const result = await h.call('ringcentral_send_sms', SMS);
    expect(result.structuredContent.status).toBe('done');
    expect(sends(h) - sent).toBe(1);
  });
});

describe('a dialog nobody answers', () => {
  it('is a no: nothing sent, no token, and the next call asks again (RINGCENTRAL_MCP_ELICIT_TIMEOUT_MS)', async () => {
    const client = askingClient(() => new Promise<never>(() => undefined) as never);
    h = await startServer({ ...client.options, env: { RINGCENTRAL_MCP_ELICIT_TIMEOUT_MS: '300' } });
    for (const round of [1, 2]) {
      const result = await h.call('ringcentral_send_sms', SMS);
      expect(result.isError, h.text(result)).toBe(true);
      expect(h.text(result)).toMatch(/^declined: the person did not answer the confirmation; nothing was sent or changed/);
      expect(h.text(result)).not.toMatch(/confirmationToken|[A-Za-z0-9_-]{16}\.[0-9a-z]+\./);
      expect(client.asked()).toBe(round);
    }
    expect(sends(h)).toBe(0);
    expect(h.stderr()).not.toMatch(/confirming with tokens/);
  });
});
