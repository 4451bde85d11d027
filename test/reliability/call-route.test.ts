/**
 * Issue 11, findings 3 and 4, on the shell route: every `ringcentral-mcp call` is its own
 * process, so the SMS duplicate window and the single-use token record live in files of the
 * user's temp dir (TMPDIR here, a fresh folder). An idempotency key reused for another message is
 * an error that shows the earlier send.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, makeSandbox } from '../helpers.js';

const sandbox = makeSandbox();
const temp = mkdtempSync(join(sandbox.dir, 'tmp-'));
afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
  sandbox.cleanup();
});

function call(
  tool: string,
  args: Record<string, unknown>,
  flags: string[] = ['--confirm', 'off'],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'call', tool, JSON.stringify(args), '--sandbox', ...flags], {
      env: { ...process.env, ...sandbox.env, MEMBRANE_SANDBOX_DELAY_MS: '0', TMPDIR: temp },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `action run` processes whose input carries this text: real sends. */
const sendsOf = (text: string) =>
  sandbox.argvs().filter((argv) => argv.includes('run') && (argv[argv.indexOf('--input') + 1] ?? '').includes(JSON.stringify(text))).length;

describe('the call route shares the duplicate window across processes', () => {
  it('two `call ringcentral_send_sms` runs at the same moment send once; both print the same message', async () => {
    const sms = { to: ['+16505550123'], text: 'Two shells, one message' };
    const [a, b] = await Promise.all([call('ringcentral_send_sms', sms), call('ringcentral_send_sms', sms)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const results = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
    expect(results.map((r) => r.status).sort()).toEqual(['done', 'duplicate']);
    expect(results[0].result.id).toBe(results[1].result.id);
    expect(sendsOf(sms.text)).toBe(1);
    const later = await call('ringcentral_send_sms', sms);
    expect(JSON.parse(later.stdout).status).toBe('duplicate');
    expect(sendsOf(sms.text)).toBe(1);
  });

  it('a confirmation token is used once across `call` processes, even when two race', async () => {
    const sms = { to: ['+16505550124'], text: 'Confirmed once' };
    const preview = JSON.parse((await call('ringcentral_send_sms', sms, [])).stdout);
    expect(preview.status).toBe('confirmation_required');
    const withToken = { ...sms, confirmationToken: preview.confirmationToken };
    const [a, b] = await Promise.all([call('ringcentral_send_sms', withToken, []), call('ringcentral_send_sms', withToken, [])]);
    const outcomes = [a, b].map((r) => (r.code === 0 ? JSON.parse(r.stdout).status : r.stderr.trim().split('\n')[0]));
    // The loser either finds the token used or, when the winner's send is already recorded, the same
    // message sent: both refuse, and neither sends.
    expect(outcomes).toContain('done');
    expect([
      'confirmation_invalid: confirmationToken was already used; nothing was done; call again without confirmationToken to get a fresh preview and token',
      'duplicate',
    ]).toContain(outcomes.find((o) => o !== 'done'));
    expect(sendsOf(sms.text)).toBe(1);
  });

  it('an idempotencyKey reused for another recipient or text is idempotency_conflict naming the earlier send; nothing is sent', async () => {
    const first = await call('ringcentral_send_sms', { to: ['+16505550125'], text: 'Keyed message', idempotencyKey: 'order-1' });
    const id = JSON.parse(first.stdout).result.id;
    for (const other of [
      { to: ['+16505550126'], text: 'Keyed message' },
      { to: ['+16505550125'], text: 'Another text' },
    ]) {
      const conflict = await call('ringcentral_send_sms', { ...other, idempotencyKey: 'order-1' });
      expect(conflict.code).toBe(1);
      const [headline, fix, details] = conflict.stderr.trim().split('\n');
      expect(headline).toMatch(
        new RegExp(
          `^idempotency_conflict: this idempotencyKey belongs to a different message, which was sent \\d+ s ago: \\{"action":"send SMS","from":"\\+1\\d{10}","to":\\["\\+16505550125"\\],"text":"Keyed message","characters":13\\} \\(message id ${id}\\); this one was not sent$`,
        ),
      );
      expect(fix).toBe(
        'Fix: use a new idempotencyKey for a new message; repeating the earlier message needs exactly its recipients, sender and text',
      );
      expect(JSON.parse(details).earlier).toMatchObject({
        status: 'done',
        sent: { to: ['+16505550125'], text: 'Keyed message' },
        result: { id, messageStatus: 'Queued' },
      });
    }
    expect(sendsOf('Another text')).toBe(0);
    expect(sendsOf('Keyed message')).toBe(1);
    const same = await call('ringcentral_send_sms', { to: ['+16505550125'], text: 'Keyed message', idempotencyKey: 'order-1' });
    expect(JSON.parse(same.stdout)).toMatchObject({ status: 'duplicate', result: { id } });
  });
});
