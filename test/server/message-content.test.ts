/**
 * get_message gives what an assistant reads a message for: a voicemail's transcription (fetched
 * from the AudioTranscription attachment's content URI), an SMS's text, a fax's page count.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX, startServer, type Harness } from '../helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startServer();
});
afterAll(async () => {
  await h?.close();
});

const SINCE = new Date(Date.now() - 59 * 86_400_000).toISOString().slice(0, 10);

async function first(messageType: string): Promise<any> {
  const list = await h.call('ringcentral_list_messages', { messageType, dateFrom: SINCE, limit: 1 });
  expect(list.isError, h.text(list)).toBeFalsy();
  const got = await h.call('ringcentral_get_message', { messageId: String(list.structuredContent.records[0].id) });
  expect(got.isError, h.text(got)).toBeFalsy();
  return got.structuredContent.record;
}

describe('get_message', () => {
  it('a voicemail: its transcription text, exactly what RingCentral serves at the content URI', async () => {
    const voicemail = await first('VoiceMail');
    const attachment = voicemail.attachments.find((a: any) => a.type === 'AudioTranscription');
    expect(attachment.contentType).toBe('text/plain');
    const served = execFileSync(process.execPath, [SANDBOX, 'request', 'con_sbx_ringcentral', new URL(attachment.uri).pathname, '--json'], {
      env: { ...process.env, ...h.sandbox.env },
      encoding: 'utf8',
    });
    expect(served.trim().length).toBeGreaterThan(10);
    expect(voicemail.transcription).toBe(served.trim());
    expect(Object.keys(voicemail)[0]).toBe('transcription');
  });

  it('an SMS: its text; a fax: its page count', async () => {
    const sms = await first('SMS');
    expect(sms.text).toBe(sms.subject);
    expect(sms.text.length).toBeGreaterThan(0);
    const fax = await first('Fax');
    expect(fax.pageCount).toBe(fax.faxPageCount);
    expect(Number.isInteger(fax.pageCount) && fax.pageCount > 0).toBe(true);
  });
});
