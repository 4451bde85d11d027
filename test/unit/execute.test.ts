/**
 * src/mcp/call.ts in process: one call's steps over a real Runtime (its
 * store, confirmations and SMS window) whose CLI is a script. What is decided: whether anything
 * runs at all (input, read-only, cross-field checks, dry run), whether the person's yes is needed
 * and given (token or dialog), and whether a send already went out.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ToolError } from '../../src/errors.js';
import { Membrane } from '../../src/membrane/membrane.js';
import { Routes } from '../../src/membrane/routing.js';
import { callTool, errorResult, type CallEnv, type Elicit } from '../../src/mcp/call.js';
import { Runtime, type ServerOptions } from '../../src/mcp/runtime.js';
import { registry } from '../../tools/index.js';
import { Printed, scriptedRunner, toolNamed, type Script } from './scripted-cli.js';

afterEach(() => vi.restoreAllMocks());

const CONTACT = '/restapi/v1.0/account/~/extension/~/address-book/contact';
const SMS = '/restapi/v1.0/account/~/extension/~/sms';
const NUMBERS = '/restapi/v1.0/account/~/extension/~/phone-number';
const contact = { id: 42, firstName: 'Ann', lastName: 'Lee', email: 'ann@x.co' };

const world = (more: Record<string, unknown> = {}): Script => ({
  rest: {
    [`GET ${CONTACT}/42`]: contact,
    [`DELETE ${CONTACT}/42`]: new Printed(''),
    [`GET ${NUMBERS}`]: { records: [{ phoneNumber: '+16505550100', features: ['SmsSender'] }], navigation: {} },
    [`POST ${SMS}`]: { id: 7, messageStatus: 'Queued' },
    ...more,
  },
});

/** A runtime over the scripted CLI; each has a secret of its own, so its tokens are its own. */
function runtimeOf(script: Script = world(), options: ServerOptions = {}) {
  const runtime = new Runtime({ sandbox: true, warmup: false, confirmSecret: randomBytes(8).toString('hex'), ...options });
  const { runner, argvs } = scriptedRunner(script);
  const membrane = new Membrane(runner, { connectionId: 'conn-1' });
  Reflect.set(runtime, 'runner', runner);
  Reflect.set(runtime, 'membrane', membrane);
  Reflect.set(runtime, 'routes', new Routes(membrane, 'rest', registry));
  return {
    runtime,
    argvs,
    ran: (method: string, path: string) => argvs.filter((a) => a[0] === 'request' && a[4] === method && a[2].split('?')[0] === path).length,
  };
}

const call = (name: string, input: unknown, runtime: Runtime, env?: CallEnv) => callTool(toolNamed(name), input, runtime, env);
const ok = (result: CallToolResult) => {
  expect(result.isError, JSON.stringify(result.content)).toBeUndefined();
  expect(JSON.parse((result.content[0] as { text: string }).text)).toEqual(result.structuredContent);
  return result.structuredContent as Record<string, any>;
};
const failed = (result: CallToolResult) => {
  expect(result.isError).toBe(true);
  expect(result.structuredContent).toBeUndefined();
  return (result._meta as Record<string, { code: string; message: string; fix?: string }>)['ringcentral-mcp/error'];
};
const unique = () => `hello ${randomBytes(6).toString('hex')}`;

describe('before anything runs', () => {
  it('input that does not check: invalid_input naming each field, nothing run', async () => {
    const { runtime, argvs } = runtimeOf();
    const error = failed(await call('ringcentral_delete_contact', { contactId: ['42'] }, runtime));
    expect(error.code).toBe('invalid_input');
    expect(error.message).toMatch(/^contactId: /);
    expect(failed(await call('ringcentral_delete_contact', { contactId: '42', extra: 1 }, runtime)).message).toBe(
      'input: Unrecognized key: "extra"',
    );
    expect(error.fix).toBe('correct the named field(s); nothing was sent');
    const whole = failed(await call('ringcentral_delete_contact', 'x', runtime));
    expect(whole.message).toMatch(/^input: /);
    const two = failed(await call('ringcentral_send_sms', { to: [], text: 5 }, runtime));
    expect(two.message.split('; ').map((p) => p.split(':')[0])).toEqual(['to', 'text']);
    expect(argvs).toEqual([]);
  });

  it('read-only: a write is not_allowed, a read runs', async () => {
    const { runtime, argvs } = runtimeOf(world(), { readOnly: true });
    const error = failed(await call('ringcentral_delete_contact', { contactId: '42' }, runtime));
    expect(error).toEqual({
      code: 'not_allowed',
      message: 'ringcentral_delete_contact changes data and the server runs in read-only mode',
      fix: 'restart the server without --read-only',
    });
    expect(argvs).toEqual([]);
    expect(ok(await call('ringcentral_get_contact', { contactId: '42' }, runtime)).record).toMatchObject({ id: 42 });
  });

  it("a tool's cross-field check refuses before anything runs", async () => {
    const { runtime, argvs } = runtimeOf();
    const error = failed(await call('ringcentral_update_message', { messageId: '1' }, runtime));
    expect(error).toEqual({
      code: 'invalid_input',
      message: 'give read (true or false), or restore: true, or both',
      fix: 'nothing was sent',
    });
    expect(argvs).toEqual([]);
  });

  it('a dry run: the preview and the command line, nothing sent', async () => {
    const { runtime, ran } = runtimeOf();
    const answer = ok(await call('ringcentral_delete_contact', { contactId: '42', dryRun: true }, runtime));
    expect(answer.status).toBe('dry_run');
    expect(answer.preview).toMatchObject({ action: 'delete contact (permanent)' });
    expect(answer.argv.slice(0, 3)).toEqual(['membrane', 'request', 'conn-1']);
    expect(answer.argv).toContain('DELETE');
    expect(ran('DELETE', `${CONTACT}/42`)).toBe(0);
  });
});

describe('plain reads', () => {
  it('answer with the record, no status', async () => {
    const { runtime } = runtimeOf();
    expect(ok(await call('ringcentral_get_contact', { contactId: '42' }, runtime))).toEqual({
      record: expect.objectContaining({ id: 42 }),
    });
  });
});

describe('confirmation by token', () => {
  it('a destructive call needs one: the preview and a token; the same call with it runs once; the token is single use', async () => {
    const { runtime, ran } = runtimeOf();
    const first = ok(await call('ringcentral_delete_contact', { contactId: '42' }, runtime));
    expect(first).toEqual({
      status: 'confirmation_required',
      preview: { action: 'delete contact (permanent)', contact: { id: 42, card: 'Ann Lee ann@x.co' } },
      confirmationToken: expect.any(String),
      expiresAt: expect.any(String),
      next: 'Show this preview to the person. Only if they agree, call again with the same arguments plus confirmationToken.',
    });
    expect(ran('DELETE', `${CONTACT}/42`)).toBe(0);
    const done = ok(await call('ringcentral_delete_contact', { contactId: '42', confirmationToken: first.confirmationToken }, runtime));
    expect(done).toEqual({ status: 'done' });
    expect(ran('DELETE', `${CONTACT}/42`)).toBe(1);
    const again = failed(
      await call('ringcentral_delete_contact', { contactId: '42', confirmationToken: first.confirmationToken }, runtime),
    );
    expect(again.code).toBe('confirmation_invalid');
    expect(ran('DELETE', `${CONTACT}/42`)).toBe(1);
  });

  it("a token for other arguments, or another server's, is refused", async () => {
    const { runtime, ran } = runtimeOf(world({ [`DELETE ${CONTACT}/43`]: new Printed('') }));
    const first = ok(await call('ringcentral_delete_contact', { contactId: '42' }, runtime));
    expect(
      failed(await call('ringcentral_delete_contact', { contactId: '43', confirmationToken: first.confirmationToken }, runtime)).code,
    ).toBe('confirmation_invalid');
    const other = runtimeOf().runtime;
    expect(
      failed(await call('ringcentral_delete_contact', { contactId: '42', confirmationToken: first.confirmationToken }, other)).code,
    ).toBe('confirmation_invalid');
    expect(ran('DELETE', `${CONTACT}/43`)).toBe(0);
  });

  it('--confirm off: it runs at once', async () => {
    const { runtime, ran } = runtimeOf(world(), { confirm: 'off' });
    expect(ok(await call('ringcentral_delete_contact', { contactId: '42' }, runtime))).toEqual({ status: 'done' });
    expect(ran('DELETE', `${CONTACT}/42`)).toBe(1);
  });
});

describe('confirmation by dialog', () => {
  const asking = (answer: Awaited<ReturnType<Elicit>> | Error) => {
    const messages: string[] = [];
    const elicit: Elicit = async (message) => {
      messages.push(message);
      if (answer instanceof Error) throw answer;
      return answer;
    };
    return { elicit, messages };
  };

  it('a yes runs it, the person having seen the preview', async () => {
    const { runtime, ran } = runtimeOf();
    const { elicit, messages } = asking('accept');
    expect(ok(await call('ringcentral_delete_contact', { contactId: '42' }, runtime, { elicit }))).toEqual({ status: 'done' });
    expect(ran('DELETE', `${CONTACT}/42`)).toBe(1);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^Delete contact: please confirm\.\naction: "delete contact \(permanent\)"\ncontact: /);
  });

  it('a no, a dismissal or no answer: declined, nothing run', async () => {
    for (const [answer, did] of [
      ['decline', 'declined'],
      ['cancel', 'dismissed'],
      ['unanswered', 'did not answer'],
    ] as const) {
      const { runtime, ran } = runtimeOf();
      const error = failed(await call('ringcentral_delete_contact', { contactId: '42' }, runtime, { elicit: asking(answer).elicit }));
      expect(error.code).toBe('declined');
      expect(error.message).toBe(`the person ${did} the confirmation; nothing was sent or changed`);
      expect(ran('DELETE', `${CONTACT}/42`)).toBe(0);
    }
  });

  it('a client that cannot ask, or an asker that fails: the token flow', async () => {
    for (const answer of ['unavailable', new Error('no dialog')] as const) {
      const { runtime, ran } = runtimeOf();
      const first = ok(await call('ringcentral_delete_contact', { contactId: '42' }, runtime, { elicit: asking(answer).elicit }));
      expect(first.status).toBe('confirmation_required');
      expect(ran('DELETE', `${CONTACT}/42`)).toBe(0);
    }
  });

  it('an asker that fails because the call was cancelled ends the call', async () => {
    const { runtime, ran } = runtimeOf();
    const controller = new AbortController();
    const elicit: Elicit = async () => {
      controller.abort();
      throw new Error('aborted while asking');
    };
    const error = failed(await call('ringcentral_delete_contact', { contactId: '42' }, runtime, { elicit, signal: controller.signal }));
    expect(error.code).not.toBe('confirmation_required');
    expect(ran('DELETE', `${CONTACT}/42`)).toBe(0);
  });

  it('--confirm token never asks; elicit asks; a token given skips the dialog', async () => {
    const token = runtimeOf(world(), { confirm: 'token' });
    const never = asking('accept');
    expect(ok(await call('ringcentral_delete_contact', { contactId: '42' }, token.runtime, { elicit: never.elicit })).status).toBe(
      'confirmation_required',
    );
    expect(never.messages).toEqual([]);
    const elicitMode = runtimeOf(world(), { confirm: 'elicit' });
    const yes = asking('accept');
    expect(ok(await call('ringcentral_delete_contact', { contactId: '42' }, elicitMode.runtime, { elicit: yes.elicit }))).toEqual({
      status: 'done',
    });
    const first = ok(await call('ringcentral_delete_contact', { contactId: '42' }, token.runtime));
    const skip = asking('decline');
    expect(
      ok(
        await call('ringcentral_delete_contact', { contactId: '42', confirmationToken: first.confirmationToken }, token.runtime, {
          elicit: skip.elicit,
        }),
      ),
    ).toEqual({ status: 'done' });
    expect(skip.messages).toEqual([]);
  });
});

describe('sends', () => {
  it('an SMS is sent once: the same one again within the window is the first result, nothing sent again', async () => {
    const { runtime, ran } = runtimeOf(world(), { confirm: 'off' });
    const text = unique();
    const first = ok(await call('ringcentral_send_sms', { to: ['+16505550123'], text }, runtime));
    expect(first).toEqual({ status: 'done', result: expect.objectContaining({ id: 7 }) });
    const second = ok(await call('ringcentral_send_sms', { to: ['+16505550123'], text }, runtime));
    expect(second).toEqual({ status: 'duplicate', result: first.result });
    expect(ran('POST', SMS)).toBe(1);
    // Another text is another send.
    expect(ok(await call('ringcentral_send_sms', { to: ['+16505550123'], text: unique() }, runtime)).status).toBe('done');
    expect(ran('POST', SMS)).toBe(2);
  });

  it('a duplicate is answered before any confirmation is asked for', async () => {
    const { runtime, ran } = runtimeOf();
    const text = unique();
    const first = ok(await call('ringcentral_send_sms', { to: ['+16505550123'], text }, runtime));
    expect(first.status).toBe('confirmation_required');
    expect(first.preview).toEqual({ action: 'send SMS', from: '+16505550100', to: ['+16505550123'], text, characters: text.length });
    ok(await call('ringcentral_send_sms', { to: ['+16505550123'], text, confirmationToken: first.confirmationToken }, runtime));
    const again = ok(await call('ringcentral_send_sms', { to: ['+16505550123'], text }, runtime));
    expect(again.status).toBe('duplicate');
    expect(ran('POST', SMS)).toBe(1);
  });

  it('a dry run of a send is not a send', async () => {
    const { runtime, ran } = runtimeOf(world(), { confirm: 'off' });
    const text = unique();
    expect(ok(await call('ringcentral_send_sms', { to: ['+16505550123'], text, dryRun: true }, runtime)).status).toBe('dry_run');
    expect(ok(await call('ringcentral_send_sms', { to: ['+16505550123'], text }, runtime)).status).toBe('done');
    expect(ran('POST', SMS)).toBe(1);
  });
});

describe('errorResult', () => {
  it('the error as text with its fix; extra details after it; the whole error in _meta', () => {
    const plain = errorResult(new ToolError('not_found', 'nothing', { fix: 'look again', retryAfterSeconds: 3, actionRunId: 'r1' }));
    expect(plain.isError).toBe(true);
    expect(plain.content).toEqual([
      {
        type: 'text',
        text: new ToolError('not_found', 'nothing', { fix: 'look again', retryAfterSeconds: 3, actionRunId: 'r1' }).toText(),
      },
    ]);
    expect(plain._meta).toEqual({
      'ringcentral-mcp/error': { code: 'not_found', message: 'nothing', fix: 'look again', retryAfterSeconds: 3, actionRunId: 'r1' },
    });
    const extra = errorResult(new ToolError('ambiguous', 'two', { candidates: [{ id: 1 }] }));
    const error = new ToolError('ambiguous', 'two', { candidates: [{ id: 1 }] });
    expect(extra.content).toEqual([{ type: 'text', text: `${error.toText()}\n{"candidates":[{"id":1}]}` }]);
  });
});
