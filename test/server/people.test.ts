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
    expect(team.structuredContent.preview.members).toEqual([{ id: String(other.id) }, { email: 'someone@example.com' }]);
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
