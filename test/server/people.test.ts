/**
 * People by name: a chat post's chatId may be a first name, a last name or a prefix, in any case;
 * several matches return candidates with name, email and id. list_chats names the other members
 * of Direct and Group chats.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Harness } from '../helpers.js';

let h: Harness;
let me: string;
let users: any[];
let direct: any;
let other: any;

async function ok(name: string, args: Record<string, unknown> = {}): Promise<any> {
  const result = await h.call(name, args);
  expect(result.isError, h.text(result)).toBeFalsy();
  return result.structuredContent;
}

beforeAll(async () => {
  h = await startServer();
  me = String((await ok('ringcentral_get_extension_info')).record.id);
  users = (await ok('ringcentral_list_extensions', { type: 'User', view: 'full', limit: 1000 })).records;
  const chats = (await ok('ringcentral_list_chats', { type: 'Direct', view: 'full', limit: 250 })).records;
  // A Direct chat with someone whose first name no other user has.
  const firstNames = users.map((u) => String(u.contact?.firstName ?? '').toLowerCase());
  direct = chats.find((c: any) => {
    const id = c.members?.map((m: any) => String(m.id)).find((x: string) => x !== me);
    const person = users.find((u) => String(u.id) === id);
    return person && firstNames.filter((n) => n === person.contact.firstName.toLowerCase()).length === 1;
  });
  other = users.find((u) => String(u.id) === direct.members.map((m: any) => String(m.id)).find((x: string) => x !== me));
});
afterAll(async () => {
  await h?.close();
});

const post = (chatId: string) => h.call('ringcentral_create_chat_post', { chatId, text: 'hello', dryRun: true });

describe('create_chat_post finds a person by name', () => {
  it('by first name, in any case: their Direct chat', async () => {
    for (const name of [other.contact.firstName, other.contact.firstName.toUpperCase()]) {
      const result = await post(name);
      expect(result.isError, h.text(result)).toBeFalsy();
      expect(result.structuredContent.preview.chat).toBe(`Direct with ${other.name} (${direct.id})`);
    }
  });

  it('by last name, and by a prefix of the full name', async () => {
    const last = other.contact.lastName as string;
    if (users.filter((u) => u.contact?.lastName?.toLowerCase() === last.toLowerCase()).length === 1) {
      expect((await post(last.toLowerCase())).structuredContent.preview.chat).toBe(`Direct with ${other.name} (${direct.id})`);
    }
    const prefix = `${other.contact.firstName} ${last.slice(0, 2)}`;
    expect((await post(prefix)).structuredContent.preview.chat).toBe(`Direct with ${other.name} (${direct.id})`);
  });

  it("a prefix of several people: ambiguous, with each candidate's name, email and id", async () => {
    const letter = other.contact.firstName[0].toLowerCase();
    const result = await post(letter);
    expect(result.isError).toBe(true);
    expect(h.text(result)).toMatch(/^ambiguous: /);
    const candidates = (result._meta as any)['ringcentral-mcp/error'].candidates as any[];
    expect(candidates.length).toBeGreaterThan(1);
    for (const c of candidates.filter((x) => !x.type)) {
      const user = users.find((u) => String(u.id) === c.id);
      expect(c).toMatchObject({ name: user.name, email: user.contact.email, id: String(user.id) });
      const words = [user.contact.firstName, user.contact.lastName, user.contact.email].map((w: string) => w.toLowerCase());
      expect(
        words.some((w) => w.startsWith(letter)),
        c.name,
      ).toBe(true);
    }
  });
});

describe('create_team takes members by name too', () => {
  it('a first name is the one person it names; a prefix of several is ambiguous', async () => {
    const team = await h.call('ringcentral_create_team', {
      name: 'Name lookups',
      members: [other.contact.firstName.toLowerCase(), 'someone@example.com'],
      dryRun: true,
    });
    expect(team.isError, h.text(team)).toBeFalsy();
    expect(team.structuredContent.preview.members).toEqual([`${other.name} (${other.id})`, 'someone@example.com']);
    const several = await h.call('ringcentral_create_team', { name: 'Name lookups', members: [other.contact.firstName[0]], dryRun: true });
    expect(h.text(several)).toMatch(/^ambiguous: member "\w" matches \d+ people/);
  });
});

describe('list_chats', () => {
  it('names the other members of Direct and Group chats', async () => {
    const chats = (await ok('ringcentral_list_chats', { limit: 250 })).records;
    const compact = chats.find((c: any) => c.id === direct.id);
    expect(compact.with).toBe(other.name);
    const group = chats.find((c: any) => c.type === 'Group');
    expect(group.with.split(', ').length).toBe(group.members - 1);
    expect(group.with).not.toMatch(/^\d+$/);
  });
});

/** The SMS sends and chat writes the sandbox ran since `mark` (on either route): what would have reached people. */
const sent = (mark: number) =>
  h.sandbox
    .argvs()
    .slice(mark)
    .filter((a) =>
      a[0] === 'action'
        ? a[1] === 'run' && /"(to|chatId|members|name)":/.test(a.join(' '))
        : /\/(sms|posts|conversations|teams)$/.test(a[2] ?? ''),
    );

describe('find_people: colleagues and contacts in one call', () => {
  const find = async (query: string) => (await ok('ringcentral_find_people', { query })).records as any[];

  it('by full name, first name, prefix, a number as written, email and extension number', async () => {
    expect(await find('Quinn Sato')).toEqual([
      {
        kind: 'contact',
        name: 'Quinn Sato',
        id: expect.stringMatching(/^\d+$/),
        company: expect.any(String),
        email: 'quinn.sato@example.com',
        numbers: { '+14045550134': 'mobile', '+14085550186': 'business', '+16505550143': 'home' },
      },
    ]);
    const quinns = await find('quinn');
    expect(quinns.map((p) => `${p.kind} ${p.name}`)).toEqual([
      'colleague Quinn Holm',
      'contact Quinn Morgan',
      'contact Quinn Sato',
      'contact Quinn Dubois',
    ]);
    expect(quinns[0]).toEqual({
      kind: 'colleague',
      name: 'Quinn Holm',
      id: '2091678004',
      ext: '117',
      email: 'quinn.holm@example.com',
      numbers: { '+14045550163': 'direct, SMS' },
    });
    const quin = await find('quin');
    expect(quin.length).toBeGreaterThanOrEqual(4);
    for (const p of quin) expect(`${p.name} ${p.email}`.toLowerCase(), p.name).toMatch(/(^|[ .])quin/);
    expect((await find('(404) 555-0134')).map((p) => p.name)).toEqual(['Quinn Sato']);
    expect((await find('404.555.0163')).map((p) => p.name)).toEqual(['Quinn Holm']);
    expect((await find('ELENA.RAHMAN@example.com')).map((p) => `${p.kind} ${p.name}`)).toEqual(['colleague Elena Rahman']);
    expect((await find('117')).map((p) => p.name)).toEqual(['Quinn Holm']);
    // RingCentral says a number cannot take SMS: marked so.
    expect((await find('Chen Garcia'))[0].numbers).toEqual({ '+12125550122': 'direct, no SMS' });
  });

  it('nobody: an empty list that says what was looked for; a bad number or empty query: invalid_input', async () => {
    expect(await ok('ringcentral_find_people', { query: 'Zebulon Quartz' })).toEqual({
      records: [],
      count: 0,
      hint: 'no colleague or contact matches name "Zebulon Quartz"',
    });
    const bad = await h.call('ringcentral_find_people', { query: '555-0134 555' });
    expect(h.text(bad)).toMatch(/^invalid_input: query: "555-0134 555" is not a valid phone number in US/);
    const mark = h.sandbox.spawns();
    expect(h.text(await h.call('ringcentral_find_people', { query: '   ' }))).toMatch(/^invalid_input: query: must name someone/);
    expect(h.sandbox.spawns()).toBe(mark);
  });
});

describe('send_sms to people by name and to numbers as written', () => {
  it('a name is resolved before the preview, which shows name and number; the token sends to that number', async () => {
    const args = { to: ['Quinn Sato', '(650) 555-0123'], text: 'Running 10 min late' };
    const mark = h.sandbox.argvs().length;
    const pending = await ok('ringcentral_send_sms', args);
    expect(pending.status).toBe('confirmation_required');
    expect(pending.preview).toMatchObject({ to: ['Quinn Sato +14045550134 (mobile)', '+16505550123'], text: args.text });
    expect(sent(mark)).toEqual([]);
    const done = await ok('ringcentral_send_sms', { ...args, confirmationToken: pending.confirmationToken });
    expect(done.status).toBe('done');
    expect(done.result.to.map((t: any) => t.phoneNumber)).toEqual(['+14045550134', '+16505550123']);
    expect(sent(mark)).toHaveLength(1);
  });

  it('every bad recipient: invalid_input naming it (with candidates), before any preview or token, nothing sent', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['quinn'], /^invalid_input: to: "quinn" matches 4 people; nothing was sent/],
      [['Zebulon Quartz'], /^invalid_input: to: no colleague or contact matches "Zebulon Quartz"; nothing was sent/],
      [['Chen Garcia'], /^invalid_input: to: "Chen Garcia" has no number that can take SMS; nothing was sent/],
      [['555-0134'], /^invalid_input: to: "555-0134" is not a valid phone number in US; nothing was sent/],
      [['Quinn Sato', '+14045550134'], /^invalid_input: to: "Quinn Sato" and "\+14045550134" are the same number/],
      [['-x'], /^invalid_input: to\.0: must be a phone number or a name/],
    ];
    const mark = h.sandbox.argvs().length;
    for (const [to, message] of cases) {
      const result = await h.call('ringcentral_send_sms', { to, text: 'hello' });
      expect(result.isError, to.join()).toBe(true);
      expect(h.text(result)).toMatch(message);
      expect(result.structuredContent).toBeUndefined();
    }
    const several = await h.call('ringcentral_send_sms', { to: ['quinn'], text: 'hello' });
    const candidates = (several._meta as any)['ringcentral-mcp/error'].candidates as any[];
    expect(candidates.map((c) => c.name)).toEqual(['Quinn Holm', 'Quinn Morgan', 'Quinn Sato', 'Quinn Dubois']);
    expect(candidates[2]).toEqual({ name: 'Quinn Sato', kind: 'contact', email: 'quinn.sato@example.com', smsTo: '+14045550134' });
    expect(sent(mark)).toEqual([]);
  });
});

describe('create_chat_post: confirmed like an SMS, and to any colleague', () => {
  it('a colleague with no Direct chat yet: previewed, nothing made; confirmed: the chat is started and the post lands there', async () => {
    const before = (await ok('ringcentral_list_chats', { type: 'Direct', view: 'full', limit: 250 })).records;
    const sawyer = users.find((u) => u.name === 'Sawyer Rossi');
    expect(before.some((c: any) => c.members.some((m: any) => String(m.id) === String(sawyer.id)))).toBe(false);
    const args = { chatId: 'Sawyer Rossi', text: 'Lunch at noon?' };
    const mark = h.sandbox.argvs().length;
    const dry = await ok('ringcentral_create_chat_post', { ...args, dryRun: true });
    expect(dry.preview).toEqual({
      action: 'post to chat',
      chat: 'new Direct chat with Sawyer Rossi',
      members: ['Sawyer Rossi'],
      text: args.text,
    });
    const pending = await ok('ringcentral_create_chat_post', args);
    expect(pending.status).toBe('confirmation_required');
    expect(pending.preview).toEqual(dry.preview);
    expect(sent(mark)).toEqual([]);
    const done = await ok('ringcentral_create_chat_post', { ...args, confirmationToken: pending.confirmationToken });
    expect(done.status).toBe('done');
    const after = (await ok('ringcentral_list_chats', { type: 'Direct', view: 'full', limit: 250 })).records;
    const started = after.find((c: any) => c.members.some((m: any) => String(m.id) === String(sawyer.id)));
    expect(started.members.map((m: any) => String(m.id)).sort()).toEqual([me, String(sawyer.id)].sort());
    expect(String(done.result.groupId)).toBe(String(started.id));
    // The same colleague by extension id: the chat now exists, and the preview names it.
    const again = await ok('ringcentral_create_chat_post', { chatId: String(sawyer.id), text: 'one more' });
    expect(again.preview).toEqual({
      action: 'post to chat',
      chat: `Direct with Sawyer Rossi (${started.id})`,
      members: ['Sawyer Rossi'],
      text: 'one more',
    });
  });

  it('a team chat: the preview names its members; without a token nothing is posted', async () => {
    const mark = h.sandbox.argvs().length;
    const pending = await ok('ringcentral_create_chat_post', { chatId: 'Sales Wins', text: 'Closed it!' });
    expect(pending.status).toBe('confirmation_required');
    expect(pending.preview.chat).toMatch(/^Sales Wins \(\d+\)$/);
    expect(pending.preview.members.length).toBeGreaterThan(0);
    expect(pending.preview.members).not.toContain(users.find((u) => String(u.id) === me).name);
    const wrong = await h.call('ringcentral_create_chat_post', {
      chatId: 'Sales Wins',
      text: 'Closed it!!',
      confirmationToken: pending.confirmationToken,
    });
    expect(h.text(wrong)).toMatch(/^confirmation_invalid: /);
    expect(sent(mark)).toEqual([]);
  });

  it('a team that adds people is confirmed; one of only you is made at once', async () => {
    const pending = await ok('ringcentral_create_team', { name: 'Confirmed crew', members: ['Elena Rahman'] });
    expect(pending.status).toBe('confirmation_required');
    expect(pending.preview.members).toEqual([`Elena Rahman (${users.find((u) => u.name === 'Elena Rahman').id})`]);
    expect((await ok('ringcentral_create_team', { name: 'Just me' })).status).toBe('done');
  });
});
