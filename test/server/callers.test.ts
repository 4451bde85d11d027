/**
 * What LLM callers send, over MCP: strict-mode callers (OpenAI) pass every optional field, the
 * unused ones as null; null means absent. Free-form values go as name/value pairs and JSON text.
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

describe('null for an optional field means absent', () => {
  it('a list call with every optional field null', async () => {
    const result = await h.call('ringcentral_list_contacts', {
      startsWith: null,
      phoneNumber: null,
      sortBy: null,
      limit: 3,
      cursor: null,
      view: null,
      fields: null,
    });
    expect(result.isError, h.text(result)).toBeFalsy();
    expect(result.structuredContent.records).toHaveLength(3);
  });

  it('send_sms as a strict-mode caller sends it: preview and token, then done with the token', async () => {
    const sms = { to: ['+16505550188'], text: 'Null fields are absent', from: null, idempotencyKey: null, dryRun: null };
    const first = await h.call('ringcentral_send_sms', { ...sms, confirmationToken: null });
    expect(first.structuredContent.status).toBe('confirmation_required');
    expect(first.structuredContent.preview.from).toMatch(/^\+1\d{10}$/);
    const done = await h.call('ringcentral_send_sms', { ...sms, confirmationToken: first.structuredContent.confirmationToken });
    expect(done.structuredContent.status).toBe('done');
  });

  it('nested objects too; a required field given as null is missing, named with the fix', async () => {
    const nested = await h.call('ringcentral_create_contact', {
      firstName: 'Nully',
      businessAddress: { city: 'Austin', street: null },
      dryRun: true,
    });
    expect(nested.structuredContent.status).toBe('dry_run');
    expect(nested.structuredContent.preview.contact).toEqual({ firstName: 'Nully', businessAddress: { city: 'Austin' } });
    const unknown = await h.call('ringcentral_get_account_info', { constructor: null });
    expect(h.text(unknown)).toMatch(/^invalid_input: input: Unrecognized key: "constructor"/);
    const missing = await h.call('ringcentral_get_contact', { contactId: null });
    expect(missing.isError).toBe(true);
    expect(h.text(missing)).toMatch(/^invalid_input: contactId: is required\n/);
    // Absent altogether: the same words; a value of another type keeps its own message.
    expect(h.text(await h.call('ringcentral_get_contact', {}))).toMatch(/^invalid_input: contactId: is required\n/);
    // A required choice too (an enum), at the top or inside a list.
    expect(h.text(await h.call('ringcentral_api_request', { method: null, path: '/restapi/v1.0/account/~' }))).toMatch(
      /^invalid_input: method: is required\n/,
    );
    const headers = [{ value: 'application/json' }];
    expect(h.text(await h.call('ringcentral_api_request', { method: 'GET', path: '/restapi/v1.0/account/~', headers }))).toMatch(
      /^invalid_input: headers\.0\.name: is required\n/,
    );
    // A number is an id as lists give it; another type is told what an id is.
    expect(h.text(await h.call('ringcentral_get_contact', { contactId: true }))).toMatch(
      /^invalid_input: contactId: must be a numeric RingCentral id \(digits only\); get it from ringcentral_list_contacts\n/,
    );
    expect(h.text(missing)).toMatch(/Fix: correct the named field/);
  });
});

describe('free-form values in the form every caller can declare', () => {
  it('api_request: query as name/value pairs, body as JSON text, headers as pairs', async () => {
    const result = await h.call('ringcentral_api_request', {
      method: 'POST',
      path: '/restapi/v1.0/account/~/extension/~/address-book/contact',
      query: [
        { name: 'a', value: '1' },
        { name: 'a', value: '2' },
      ],
      body: '{"text":"hi","to":[{"phoneNumber":"+16505550123"}]}',
      headers: [{ name: 'Accept', value: 'application/json' }],
      dryRun: true,
    });
    expect(result.structuredContent.status).toBe('dry_run');
    expect(result.structuredContent.preview).toMatchObject({
      query: [
        ['a', '1'],
        ['a', '2'],
      ],
      headers: [['Accept', 'application/json']],
      body: { text: 'hi', to: [{ phoneNumber: '+16505550123' }] },
    });
    const bad = await h.call('ringcentral_api_request', { method: 'POST', path: '/restapi/v1.0/account/~/extension/~/sms', body: '{oops' });
    expect(h.text(bad)).toMatch(/^invalid_input: body: must be JSON text of an object or array, e.g. \{"text":"hi"\}/);
  });

  it('run_action: input as JSON text of an object', async () => {
    const ran = await h.call('ringcentral_run_action', { action: 'get-account-info', input: '{}', dryRun: true });
    expect(ran.structuredContent.status).toBe('dry_run');
    const bad = await h.call('ringcentral_run_action', { action: 'get-account-info', input: '[1]' });
    expect(h.text(bad)).toMatch(/^invalid_input: input: must be JSON text of an object, e.g. /);
  });
});
