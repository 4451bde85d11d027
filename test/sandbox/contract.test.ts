// The sandbox's RingCentral answers checked against RingCentral's own definitions (@rc-ex/core,
// generated from RingCentral's public OpenAPI spec): no invented fields, no invented enum values.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CID, EXT, NOW, sandbox } from './helpers.js';

const DEFS = join(dirname(createRequire(import.meta.url).resolve('@rc-ex/core')), 'definitions');

interface Field {
  /** String-literal values when the field (or its array items) is an enum. */
  values?: string[];
}

/** Fields of one definition, read from its TypeScript declaration. */
function definition(name: string): Map<string, Field> {
  const text = readFileSync(join(DEFS, `${name}.d.mts`), 'utf8');
  const fields = new Map<string, Field>();
  for (const m of text.matchAll(/^ {2}(\w+)\?: (.+);$/gm)) {
    const type = m[2];
    const pureEnum = /^\(?("[^"]*"( \| "[^"]*")*)\)?(\[\])?$/.test(type);
    fields.set(m[1], pureEnum ? { values: [...type.matchAll(/"([^"]*)"/g)].map((x) => x[1]) } : {});
  }
  if (!fields.size) throw new Error(`no fields read from ${name}`);
  return fields;
}

/** Every field the record has that the definition lacks, and every value outside an enum. */
function problems(rec: Record<string, unknown>, name: string): string[] {
  const def = definition(name);
  const out: string[] = [];
  for (const [k, v] of Object.entries(rec)) {
    const f = def.get(k);
    if (!f) out.push(`${name}.${k} is not a RingCentral field`);
    else if (f.values) {
      for (const x of Array.isArray(v) ? v : [v])
        if (!f.values.includes(String(x))) out.push(`${name}.${k} = ${JSON.stringify(x)} is not in its enum`);
    }
  }
  return out;
}

const sb = sandbox({}, { inProcess: true });
const DAY = 86_400_000;
const from = new Date(Date.parse(NOW) - 61 * DAY).toISOString();
const get = async (path: string) => {
  const r = await sb.req(path);
  if (r.code !== 0) throw new Error(`${path}: ${r.stdout} ${r.stderr}`);
  return r.json;
};

beforeAll(async () => {
  await sb.ok(['reset', '--json']);
});
afterAll(() => sb.cleanup());

describe('sandbox REST answers fit RingCentral definitions', () => {
  it('the definitions are read (enums included)', () => {
    expect(definition('CallLogRecord').get('reason')?.values).toContain('Calls Not Accepted');
    expect(definition('UserPhoneNumberInfo').get('features')?.values).toEqual([
      'CallerId',
      'SmsSender',
      'A2PSmsSender',
      'MmsSender',
      'InternationalSmsSender',
      'Delegated',
    ]);
  });

  it('account: fields, plan, signup and currency', async () => {
    const a = await get('/restapi/v1.0/account/~');
    expect(problems(a, 'GetAccountInfoResponse')).toEqual([]);
    expect(problems(a.serviceInfo.servicePlan, 'ServicePlanInfo')).toEqual([]);
    expect(problems(a.signupInfo, 'SignupInfoResource')).toEqual([]);
    expect(problems(a.regionalSettings, 'AccountRegionalSettings')).toEqual([]);
    expect(a.regionalSettings.currency.id).toBe(1);
  });

  it('extension, its service features, phone numbers and presence', async () => {
    const [e, nums, presence] = await Promise.all([get(EXT), get(`${EXT}/phone-number`), get(`${EXT}/presence`)]);
    expect(problems(e, 'GetExtensionInfoResponse')).toEqual([]);
    expect(e.serviceFeatures.flatMap((f: any) => problems(f, 'ExtensionServiceFeatureInfo'))).toEqual([]);
    expect(e.serviceFeatures.map((f: any) => f.featureName)).toContain('VideoConferencing');
    expect(nums.records.flatMap((n: any) => problems(n, 'UserPhoneNumberInfo'))).toEqual([]);
    expect(nums.records.flatMap((n: any) => problems(n.country, 'CountryInfoBasicModel'))).toEqual([]);
    expect(nums.records.map((n: any) => [n.phoneNumber, n.type, n.features])).toEqual([
      ['+16505550101', 'VoiceFax', ['SmsSender', 'MmsSender', 'InternationalSmsSender', 'CallerId']],
      ['+16505550102', 'VoiceFax', ['SmsSender', 'MmsSender', 'CallerId']],
      ['+16505550109', 'FaxOnly', []],
      ['+16505550100', 'VoiceFax', ['CallerId']],
    ]);
    expect(problems(presence, 'PresenceInfoResponse')).toEqual([]);
    expect(presence).toMatchObject({
      presenceStatus: 'Busy',
      telephonyStatus: 'CallConnected',
      extension: { id: e.id, extensionNumber: '101' },
    });
  });

  it('directory entries and a conversation: only RingCentral fields', async () => {
    const post = async (path: string, body: unknown) => {
      const r = await sb.run(['request', CID, path, '-X', 'POST', '-d', JSON.stringify(body), '--json']);
      if (r.code !== 0) throw new Error(`${path}: ${r.stdout} ${r.stderr}`);
      return r.json;
    };
    const directory = await post('/restapi/v1.0/account/~/directory/entries/search', { perPage: 1000 });
    expect(problems(directory, 'DirectoryResource')).toEqual([]);
    expect(problems(directory.paging, 'EnumeratedPagingModel')).toEqual([]);
    expect(directory.records.length).toBe(24); // every extension but the fax user
    expect(directory.records.flatMap((r: any) => problems(r, 'ContactResource'))).toEqual([]);
    expect(directory.records.flatMap((r: any) => r.phoneNumbers.flatMap((n: any) => problems(n, 'AdgPhoneNumberResource')))).toEqual([]);
    expect(directory.records.flatMap((r: any) => problems(r.account, 'AccountResource'))).toEqual([]);
    const someone = directory.records.find((r: any) => r.type === 'User' && r.extensionNumber !== '101');
    const conversation = await post('/team-messaging/v1/conversations', { members: [{ id: someone.id }] });
    expect(problems(conversation, 'TMConversationInfo')).toEqual([]);
  });

  it('messages and their attachments; the transcription URI names its own message', async () => {
    const list = await get(`${EXT}/message-store?dateFrom=${from}&perPage=1000`);
    expect(list.records.length).toBeGreaterThanOrEqual(300);
    expect(list.records.flatMap((m: any) => problems(m, 'GetMessageInfoResponse'))).toEqual([]);
    expect(list.records.flatMap((m: any) => (m.attachments ?? []).flatMap((x: any) => problems(x, 'MessageAttachmentInfo')))).toEqual([]);
    for (const m of list.records) {
      for (const x of m.attachments ?? []) expect(x.uri).toMatch(new RegExp(`/message-store/${m.id}/content/${x.id}$`));
    }
    const vm = list.records.find((m: any) => m.type === 'VoiceMail');
    expect(vm.attachments.map((x: any) => [x.type, x.contentType])).toEqual([
      ['AudioRecording', 'audio/mpeg'],
      ['AudioTranscription', 'text/plain'],
    ]);
    expect(vm.vmTranscriptionStatus).toBe('Completed');
  });

  it('attachment content: the voicemail transcription and the SMS text as text/plain; faxes have a page count', async () => {
    const list = await get(`${EXT}/message-store?dateFrom=${from}&perPage=1000`);
    const vm = list.records.find((m: any) => m.type === 'VoiceMail');
    const sms = list.records.find((m: any) => m.type === 'SMS');
    const path = (uri: string) => new URL(uri).pathname;
    const [transcript, text, audio] = await Promise.all([
      sb.req(path(vm.attachments[1].uri)),
      sb.req(path(sms.attachments[0].uri)),
      sb.req(path(vm.attachments[0].uri)),
    ]);
    expect(transcript.code).toBe(0);
    expect(transcript.stdout).toMatch(/^(Hi|Hello|Hey|Good morning), .{20,}[.!]$/);
    expect(Buffer.byteLength(transcript.stdout)).toBe(vm.attachments[1].size);
    expect(text.stdout).toBe(sms.subject);
    expect(audio.code).toBe(1);
    expect(audio.json.errors[0]).toMatchObject({ errorCode: 'CMN-102', parameterName: 'attachmentId' });
    for (const f of list.records.filter((m: any) => m.type === 'Fax')) expect(f.faxPageCount).toBeGreaterThanOrEqual(1);
  });

  it("call log (Detailed): reasons, results, actions and leg types are RingCentral's", async () => {
    const list = await get(`${EXT}/call-log?dateFrom=${from}&perPage=1000&view=Detailed`);
    expect(list.records.length).toBeGreaterThanOrEqual(400);
    expect(list.records.flatMap((r: any) => problems(r, 'CallLogRecord'))).toEqual([]);
    expect(list.records.flatMap((r: any) => r.legs.flatMap((l: any) => problems(l, 'CallLogRecordLegInfo')))).toEqual([]);
    const reasons = new Set(list.records.map((r: any) => r.reason));
    for (const x of ['Not Answered', 'Line Busy', 'Calls Not Accepted', 'Accepted', 'Connected']) expect(reasons.has(x)).toBe(true);
  });

  it('contacts and chats', async () => {
    const [contacts, chats] = await Promise.all([
      get(`${EXT}/address-book/contact?perPage=1000`),
      get('/team-messaging/v1/chats?recordCount=250'),
    ]);
    expect(contacts.records.flatMap((c: any) => problems(c, 'PersonalContactResource'))).toEqual([]);
    expect(chats.records.flatMap((c: any) => problems(c, 'TMChatInfo'))).toEqual([]);
  });

  it('extension list: the list definition (statusInfo only on GET extension/{id})', async () => {
    const list = await get('/restapi/v1.0/account/~/extension?perPage=1000');
    expect(list.records.flatMap((e: any) => problems(e, 'GetExtensionListInfoResponse'))).toEqual([]);
    const disabled = list.records.find((e: any) => e.status === 'Disabled');
    const one = await get(`/restapi/v1.0/account/~/extension/${disabled.id}`);
    expect(one.statusInfo).toEqual({ reason: 'Voluntarily', comment: 'Left the company' });
  });

  it('sending an SMS answers in the SMS definition; the stored record keeps the message-store fields', async () => {
    const sent = await sb.ok([
      'request',
      CID,
      `${EXT}/sms`,
      '-X',
      'POST',
      '-d',
      JSON.stringify({ from: { phoneNumber: '+16505550101' }, to: [{ phoneNumber: '+16505550177' }], text: 'Contract check' }),
      '--json',
    ]);
    expect(problems(sent, 'GetSMSMessageInfoResponse')).toEqual([]);
    expect(sent.messageStatus).toBe('Queued');
    const stored = await get(`${EXT}/message-store/${sent.id}`);
    expect(problems(stored, 'GetMessageInfoResponse')).toEqual([]);
    expect([stored.segmentCount, typeof stored.extensionId]).toEqual([1, 'string']);
    // patchMessage answers the message (GetMessageInfoResponse).
    const patched = await sb.ok([
      'request',
      CID,
      `${EXT}/message-store/${sent.id}`,
      '-X',
      'PATCH',
      '-d',
      '{"readStatus":"Unread"}',
      '--json',
    ]);
    expect(problems(patched, 'GetMessageInfoResponse')).toEqual([]);
    expect(patched.readStatus).toBe('Unread');
  });

  it('teams and posts (no null fields), a post with attachments and mentions', async () => {
    const [teams, chats] = await Promise.all([
      get('/team-messaging/v1/teams?recordCount=250'),
      get('/team-messaging/v1/chats?recordCount=250'),
    ]);
    expect(teams.records.flatMap((t: any) => problems(t, 'TMTeamInfo'))).toEqual([]);
    const group = chats.records.find((c: any) => c.type === 'Group');
    const posts = await get(`/team-messaging/v1/chats/${group.id}/posts?recordCount=250`);
    expect(posts.records.length).toBeGreaterThan(0);
    expect(posts.records.flatMap((x: any) => problems(x, 'TMPostInfo'))).toEqual([]);
    expect(posts.records.flatMap((x: any) => Object.entries(x).filter(([, v]) => v === null))).toEqual([]);
    const member = group.members.find((m: any) => m.id !== posts.records[0].creatorId) ?? group.members[0];
    const body = { text: `Hi ![:Person](${member.id})`, attachments: [{ id: '1234', type: 'File' }] };
    const post = await sb.ok([
      'request',
      CID,
      `/team-messaging/v1/chats/${group.id}/posts`,
      '-X',
      'POST',
      '-d',
      JSON.stringify(body),
      '--json',
    ]);
    expect(problems(post, 'TMPostInfo')).toEqual([]);
    expect(post.mentions.flatMap((m: any) => problems(m, 'TMMentionsInfo'))).toEqual([]);
    expect(post.attachments).toEqual([{ id: '1234', type: 'File' }]);
    const bad = await sb.req(
      `/team-messaging/v1/chats/${group.id}/posts`,
      '-X',
      'POST',
      '-d',
      '{"attachments":[{"id":"1","type":"Video"}]}',
    );
    expect(bad.json.errors[0]).toMatchObject({ errorCode: 'CMN-101', parameterName: 'attachments[0].type' });
  });

  it('bridges: every part in its definition; a password set by PATCH is answered as RingCentral does', async () => {
    const pmi = await get('/rcvideo/v2/account/~/extension/~/bridges/default');
    const parts = (b: any) => [
      ...problems(b, 'BridgeResponse'),
      ...problems(b.pins, 'BridgePinsWithAliases'),
      ...problems(b.security, 'BridgeResponseSecurity'),
      ...problems(b.preferences, 'BridgePreferences'),
      ...problems(b.preferences.join, 'BridgeJoinPreferences'),
    ];
    expect(parts(pmi)).toEqual([]);
    const created = await sb.ok([
      'request',
      CID,
      '/rcvideo/v2/account/~/extension/~/bridges',
      '-X',
      'POST',
      '-d',
      JSON.stringify({
        name: 'Contract',
        type: 'Scheduled',
        preferences: { playTones: 'EnterOnly', join: { waitingRoomRequired: 'Everybody' } },
      }),
      '--json',
    ]);
    expect(parts(created)).toEqual([]);
    expect([created.security.passwordProtected, created.preferences.playTones, created.preferences.join.audioMuted]).toEqual([
      false,
      'EnterOnly',
      false,
    ]);
    const patched = await sb.ok([
      'request',
      CID,
      `/rcvideo/v2/bridges/${created.id}`,
      '-X',
      'PATCH',
      '-d',
      '{"security":{"password":"Plan2026"}}',
      '--json',
    ]);
    expect(parts(patched)).toEqual([]);
    expect(problems(patched.security.password, 'BridgeResponseSecurityPassword')).toEqual([]);
    expect(patched.security).toMatchObject({ passwordProtected: true, password: { plainText: 'Plan2026' } });
    expect(patched.discovery.web).toBe(`https://v.sandbox.invalid/join/${created.pins.web}?pw=${patched.security.password.joinQuery}`);
    const badTones = await sb.req('/rcvideo/v2/account/~/extension/~/bridges', '-X', 'POST', '-d', '{"preferences":{"playTones":"Loud"}}');
    expect(badTones.json.errors[0]).toMatchObject({ errorCode: 'CMN-101', parameterName: 'preferences.playTones' });
  });

  it('meeting history: meetings, hosts and participants in their definitions', async () => {
    const h = await get('/rcvideo/v1/history/meetings?perPage=100');
    expect(h.meetings.length).toBeGreaterThan(0);
    expect(h.meetings.flatMap((m: any) => problems(m, 'Meeting'))).toEqual([]);
    expect(h.meetings.flatMap((m: any) => problems(m.hostInfo, 'Host'))).toEqual([]);
    expect(h.meetings.flatMap((m: any) => m.participants.flatMap((x: any) => problems(x, 'Participant')))).toEqual([]);
    const recordings = h.meetings.flatMap((m: any) => m.recordings);
    expect(recordings.length).toBeGreaterThan(0);
    expect(recordings.flatMap((r: any) => problems(r, 'Recording'))).toEqual([]);
    expect(h.meetings.every((m: any) => m.rights.length > 0 && m.participants.every((x: any) => typeof x.id === 'string'))).toBe(true);
  });

  it('an unknown path gets the API gateway 404, without errors[]', async () => {
    const r = await sb.req('/restapi/v1.0/account/~/no-such-thing');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('{"errorCode":"AGW-404","message":"Resource not found"}\n');
  });

  it('GET /team-messaging/v1/chats/{id} counts in the Light rate group', async () => {
    const rl = sandbox({ MEMBRANE_SANDBOX_RATE_LIMITS: '1' }, { inProcess: true });
    try {
      const chats = await rl.ok(['request', CID, '/team-messaging/v1/chats?recordCount=1', '--json']);
      const before = JSON.parse(readFileSync(`${rl.state}.ratelimit.json`, 'utf8'));
      await rl.ok(['request', CID, `/team-messaging/v1/chats/${chats.records[0].id}`, '--json']);
      const after = JSON.parse(readFileSync(`${rl.state}.ratelimit.json`, 'utf8'));
      expect(Object.keys(before)).toEqual(['Medium']);
      expect(after.Light.count).toBe(1);
      expect(after.Medium.count).toBe(before.Medium.count);
    } finally {
      rl.cleanup();
    }
  });

  it('message content (readMessageContent) counts in the Medium rate group', async () => {
    const rl = sandbox({ MEMBRANE_SANDBOX_RATE_LIMITS: '1' }, { inProcess: true });
    try {
      const list = await rl.ok(['request', CID, `${EXT}/message-store?messageType=SMS&perPage=1`, '--json']);
      const content = await rl.run(['request', CID, new URL(list.records[0].attachments[0].uri).pathname, '--json']);
      expect(content.code).toBe(0);
      const counts = JSON.parse(readFileSync(`${rl.state}.ratelimit.json`, 'utf8'));
      expect(Object.fromEntries(Object.entries(counts).map(([g, c]: [string, any]) => [g, c.count]))).toEqual({ Light: 1, Medium: 1 });
    } finally {
      rl.cleanup();
    }
  });
});
