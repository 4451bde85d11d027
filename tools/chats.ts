/** Team messaging: chats, posts and teams. */
import { z } from 'zod';
import { ToolError } from '../src/errors.js';
import { getExtensionInfo, listExtensions } from './account.js';
import { defineTool, type JsonObject, type ToolContext } from './contract.js';
import { email, oneOf } from './fields.js';
import { asArray, compactObject } from './format.js';
import { query } from './rest.js';

const CHAT_TYPES = ['Personal', 'Direct', 'Group', 'Team', 'Everyone'] as const;

/** RingCentral's page-size ceiling for chats, and enough pages for any real user's chats. */
const CHATS_PER_PAGE = 250;
const MAX_CHAT_PAGES = 20;
/** RingCentral's page-size ceiling for extensions; ten pages cover a 10,000-person company. */
const EXTENSIONS_PER_PAGE = 1000;
const MAX_EXTENSION_PAGES = 10;

type Member = { email: string } | { id: string };

/** A team member as RingCentral takes it: an email or person id as given, a name as the one person it names. */
async function memberOf(ref: string, ctx: ToolContext): Promise<Member> {
  if (ref.includes('@')) return { email: ref };
  if (/^\d{1,19}$/.test(ref)) return { id: ref };
  const found = matchPeople(ref, await allExtensions(ctx));
  if (found.length === 1) return { id: String(found[0].id) };
  const candidates = found
    .slice(0, 10)
    .map((p) => compactObject({ name: p.name, email: ((p.contact ?? {}) as JsonObject).email, id: String(p.id) }));
  if (found.length)
    throw new ToolError('ambiguous', `member "${ref}" matches ${found.length} people; pass one email or id`, { candidates });
  throw new ToolError('not_found', `member "${ref}": no person of that name${disabledNote(ref, await allExtensions(ctx))}`, {
    fix: 'find them with ringcentral_list_extensions',
  });
}

/** RingCentral's TMCreateTeamRequest: members by person id or email. */
const teamBody = async (i: { name: string; description?: string; public?: boolean; members?: string[] }, ctx: ToolContext) =>
  compactObject({
    name: i.name,
    description: i.description,
    public: i.public,
    members: i.members ? await Promise.all(i.members.map((m) => memberOf(m, ctx))) : undefined,
  });

const compactChat = (r: JsonObject) =>
  compactObject({
    id: r.id,
    type: r.type,
    name: r.name,
    with: Array.isArray(r.with) ? r.with.join(', ') : undefined,
    members: Array.isArray(r.members) ? r.members.length : undefined,
    lastModified: r.lastModifiedTime,
  });

const isPeopleChat = (c: JsonObject) => (c.type === 'Direct' || c.type === 'Group') && Array.isArray(c.members);

/** Direct and Group chats name no one (RingCentral lists member ids): add the other members' names. */
async function withMemberNames(chats: JsonObject[], ctx: ToolContext): Promise<JsonObject[]> {
  if (!chats.some(isPeopleChat)) return chats;
  const [people, me] = await Promise.all([allExtensions(ctx), myExtensionId(ctx)]);
  const names = new Map(people.map((p) => [String(p.id), String(p.name ?? p.id)]));
  return chats.map((c) => {
    if (!isPeopleChat(c)) return c;
    const others = (c.members as JsonObject[]).map((m) => String(m.id)).filter((id) => id !== me);
    return { ...c, with: others.map((id) => names.get(id) ?? id) };
  });
}

/** A person's name, name parts and email, lower case, for matching what someone typed. */
function namesOf(person: JsonObject): { full: string; parts: string[]; email?: string } {
  const contact = (person.contact ?? {}) as JsonObject;
  const given = [contact.firstName, contact.lastName].filter((name): name is string => typeof name === 'string');
  const full = (typeof person.name === 'string' ? person.name : given.join(' ')).toLowerCase();
  return {
    full,
    parts: [...given.map((name) => name.toLowerCase()), ...full.split(/\s/)],
    email: typeof contact.email === 'string' ? contact.email.toLowerCase() : undefined,
  };
}

/**
 * The people (users) a name names, case-insensitively: an email, full, first or last name
 * exactly; failing that, any of them by prefix ("lar", "Lars O").
 */
export function matchPeople(ref: string, people: JsonObject[]): JsonObject[] {
  // A disabled user can no longer be messaged or added to a team.
  return matchUsers(
    ref,
    people.filter((p) => p.status !== 'Disabled'),
  );
}

/** Why a name that matches nobody usable matches nobody: the disabled users it names, if any. */
function disabledNote(ref: string, people: JsonObject[]): string {
  const names = matchUsers(
    ref,
    people.filter((p) => p.status === 'Disabled'),
  ).map((p) => String(p.name));
  return names.length ? ` (${names.join(', ')}: disabled in RingCentral, so not offered)` : '';
}

function matchUsers(ref: string, people: JsonObject[]): JsonObject[] {
  const wanted = ref.trim().toLowerCase();
  const users = people.filter((p) => p.type === undefined || p.type === 'User');
  const exact = users.filter((p) => {
    const n = namesOf(p);
    return n.email === wanted || n.full === wanted || n.parts.includes(wanted);
  });
  if (exact.length) return exact;
  return users.filter((p) => {
    const n = namesOf(p);
    return n.full.startsWith(wanted) || n.parts.some((part) => part.startsWith(wanted)) || n.email?.startsWith(wanted);
  });
}

/** Every chat of the user (all pages, through list_chats' route), cached for name look-ups. */
const allChats = (ctx: ToolContext): Promise<JsonObject[]> =>
  ctx.cache.get('chats', (signal) => ctx.withSignal(signal).readAll(listChats, {}, { pageSize: CHATS_PER_PAGE, maxPages: MAX_CHAT_PAGES }));

const allExtensions = (ctx: ToolContext): Promise<JsonObject[]> =>
  ctx.cache.get('extensions', (signal) =>
    ctx.withSignal(signal).readAll(listExtensions, {}, { pageSize: EXTENSIONS_PER_PAGE, maxPages: MAX_EXTENSION_PAGES }),
  );

const myExtensionId = (ctx: ToolContext): Promise<string> =>
  ctx.cache.get('me', async (signal) => String((await ctx.withSignal(signal).read(getExtensionInfo, {})).id));

/**
 * A chat id as given, or the chat that a team name, a person's name or email names.
 * Ambiguous names return the candidates instead of guessing.
 */
export async function resolveChat(ref: string, ctx: ToolContext): Promise<{ id: string; label?: string }> {
  if (/^\d{1,30}$/.test(ref)) return { id: ref };
  try {
    return await matchChat(ref, ctx);
  } catch (error) {
    // The cached list may predate the chat (made elsewhere, or minutes ago): look once more.
    if (!(error instanceof ToolError) || error.code !== 'not_found') throw error;
    ctx.cache.delete('chats');
    ctx.cache.delete('extensions');
    return matchChat(ref, ctx);
  }
}

async function matchChat(ref: string, ctx: ToolContext): Promise<{ id: string; label?: string }> {
  const chats = await allChats(ctx);
  const byId = chats.find((c) => c.id === ref);
  if (byId) return { id: ref, label: String(byId.name ?? byId.type) };
  const wanted = ref.trim().toLowerCase();

  const named = chats.filter((c) => typeof c.name === 'string' && c.name.toLowerCase() === wanted);
  if (named.length === 1) return { id: String(named[0].id), label: String(named[0].name) };

  const people = matchPeople(ref, await allExtensions(ctx));
  const me = people.length ? await myExtensionId(ctx) : undefined;
  const isIn = (c: JsonObject, id: string | undefined) => (c.members as JsonObject[]).some((m) => String(m.id) === id);
  const persons = people
    .filter((p) => String(p.id) !== me)
    .map((p) => {
      const direct = chats.find((c) => c.type === 'Direct' && Array.isArray(c.members) && isIn(c, String(p.id)) && isIn(c, me));
      return compactObject({
        name: p.name,
        email: ((p.contact ?? {}) as JsonObject).email,
        id: String(p.id),
        chatId: direct ? String(direct.id) : undefined,
      });
    });
  if (!named.length && persons.length === 1) {
    const [person] = persons;
    if (person.chatId) return { id: String(person.chatId), label: `Direct with ${String(person.name)}` };
    throw new ToolError('not_found', `${String(person.name)} has no Direct chat with you yet`, {
      candidates: persons,
      fix: 'start the conversation in RingCentral, or post to a team chat (ringcentral_list_chats)',
    });
  }
  // One chat of that name, or one person, was answered above: any candidates left are several.
  const candidates = [...named.map((c) => ({ chatId: String(c.id), name: String(c.name), type: c.type })), ...persons];
  if (candidates.length) {
    throw new ToolError('ambiguous', `"${ref}" matches ${candidates.length} chats or people; pass one chatId`, { candidates });
  }
  const partial = chats.filter((c) => typeof c.name === 'string' && c.name.toLowerCase().includes(wanted)).slice(0, 10);
  throw new ToolError(
    'not_found',
    `no chat named "${ref}" and no person of that name or email${disabledNote(ref, await allExtensions(ctx))}`,
    {
      candidates: partial.map((c) => ({ chatId: c.id, name: c.name })),
      fix: 'find the chat id with ringcentral_list_chats',
    },
  );
}

const listChats = defineTool({
  name: 'ringcentral_list_chats',
  title: 'List chats',
  description: 'Your team chats; Direct and Group chats name the other members.',
  toolset: 'chats',
  kind: 'read',
  list: { paging: 'token', compact: compactChat, maxLimit: CHATS_PER_PAGE, enrich: withMemberNames },
  input: { type: oneOf(CHAT_TYPES) },
  exec: {
    via: 'either',
    action: { key: 'list-chats', sends: ['type'], input: (i) => compactObject({ type: asArray(i.type) }) },
    rest: { group: 'Medium', call: (i) => ({ method: 'GET', path: '/team-messaging/v1/chats', query: query({ type: asArray(i.type) }) }) },
  },
});

export const chatTools = [
  listChats,
  defineTool({
    name: 'ringcentral_create_chat_post',
    title: 'Post to chat',
    description: 'Post to a team chat; an ambiguous name returns the candidates.',
    toolset: 'chats',
    kind: 'write',
    input: {
      chatId: z
        .string()
        .min(1)
        .max(200)
        // eslint-disable-next-line no-control-regex -- control characters are what it refuses
        .regex(/^[^\s-][^\u0000-\u001f]*$/, 'must be a chat id, team name or email (no leading "-" or control characters)')
        .describe("Chat id, team name, or a person's name (or prefix) or email"),
      text: z.string().min(1).max(10000).describe('Mention: ![:Person](personId)'),
    },
    exec: {
      via: 'either',
      action: {
        key: 'create-chat-post',
        sends: ['chatId', 'text'],
        input: async (i, ctx) => ({ chatId: (await resolveChat(i.chatId, ctx)).id, text: i.text }),
      },
      rest: {
        group: 'Medium',
        call: async (i, ctx) => ({
          method: 'POST',
          path: `/team-messaging/v1/chats/${encodeURIComponent((await resolveChat(i.chatId, ctx)).id)}/posts`,
          body: { text: i.text },
        }),
      },
    },
    preview: async (i, ctx) => {
      const chat = await resolveChat(i.chatId, ctx);
      return { action: 'post to chat', chat: chat.label ? `${chat.label} (${chat.id})` : chat.id, text: i.text };
    },
  }),
  defineTool({
    name: 'ringcentral_create_team',
    title: 'Create team',
    description: 'Create a team (a named chat) with members.',
    toolset: 'chats',
    kind: 'write',
    invalidates: ['chats'],
    input: {
      name: z.string().min(1).max(250),
      members: z
        .array(
          z.union([
            email,
            // eslint-disable-next-line no-control-regex -- control characters are what it refuses
            z.string().regex(/^[^@\s\u0000-\u001f-][^@\u0000-\u001f]{0,199}$/, "must be an email, a person id, or a person's name"),
          ]),
        )
        .max(100)
        .describe('Emails, person ids or names')
        .optional(),
      description: z.string().max(1000).optional(),
      public: z.boolean().optional(),
    },
    exec: {
      via: 'either',
      action: {
        key: 'create-team',
        sends: ['name', 'description', 'public', 'members[].id', 'members[].email'],
        input: (i, ctx) => teamBody(i, ctx),
      },
      rest: {
        group: 'Medium',
        call: async (i, ctx) => ({ method: 'POST', path: '/team-messaging/v1/teams', body: await teamBody(i, ctx) }),
      },
    },
    preview: async (i, ctx) => ({
      action: 'create team',
      name: i.name,
      members: (await teamBody(i, ctx)).members ?? [],
      public: i.public ?? false,
    }),
  }),
];
