/**
 * Progress while the CLI is slow: a call that sent a progress token gets notifications/progress
 * (every progressIntervalMs, 3 s by default) carrying that token, with growing progress, before
 * its answer; a call without a token gets none. Never an exact count: timing decides it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, startRaw, text, type RawServer, type Harness } from './harness.js';

let raw: RawServer | undefined;
let mcp: Harness | undefined;
afterEach(async () => {
  await raw?.close();
  await mcp?.close();
  raw = mcp = undefined;
});

describe('progress notifications', () => {
  it('a slow call with a progress token gets progress before its answer; one without a token gets none', async () => {
    raw = startRaw({ env: { MEMBRANE_SANDBOX_DELAY_MS: '3500' } });
    const server = raw;
    await server.initialize();
    // Resolve the connection and action ids first: the slow call below is then one CLI run.
    expect((await server.request('tools/call', { name: 'ringcentral_get_account_info', arguments: {} })).result.isError).toBeFalsy();

    server.sandbox.setFault('slow');
    const token = 'progress-token-1';
    const withToken = server.send('tools/call', { name: 'ringcentral_get_account_info', arguments: {}, _meta: { progressToken: token } });
    const withoutToken = server.send('tools/call', { name: 'ringcentral_list_extensions', arguments: { limit: 2 } });
    const [answer, other] = await Promise.all([withToken.answer, withoutToken.answer]);
    expect(answer.result.isError).toBeFalsy();
    expect(answer.result.structuredContent.record.mainNumber).toMatch(/^\+/);
    expect(other.result.isError).toBeFalsy();

    const progress = server.notifications('notifications/progress');
    expect(progress.length).toBeGreaterThanOrEqual(1);
    for (const notification of progress) {
      expect(notification.params.progressToken).toBe(token);
      expect(notification.params.message).toMatch(/waiting for membrane \(\d+ s\)/);
    }
    const values = progress.map((n) => n.params.progress);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(new Set(values).size).toBe(values.length);
    // All of them came before the answer of that call.
    const answerLine = server.lines.findIndex((line) => line.includes(`"id":${withToken.id}`) && !line.includes('"method"'));
    const lastProgress = server.lines.findLastIndex((line) => line.includes('notifications/progress'));
    expect(lastProgress).toBeLessThan(answerLine);
  });

  it('the SDK client sees the progress too (onprogress)', async () => {
    mcp = await startServer({ env: { MEMBRANE_SANDBOX_DELAY_MS: '3500' } });
    const seen: Array<{ progress: number }> = [];
    expect((await mcp.call('ringcentral_get_account_info')).isError).toBeFalsy(); // warm: one slow run below
    mcp.sandbox.setFault('slow');
    const result = await mcp.call('ringcentral_get_account_info', {}, { onprogress: (p) => seen.push(p as { progress: number }) });
    expect(result.isError, text(result)).toBeFalsy();
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen[0].progress).toBeGreaterThan(0);
  });
});
