/** Team messaging: chats, posts and teams. */
import { z } from 'zod';
import { ToolError } from '../src/errors.js';
import { isObject } from '../src/json.js';
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
/** A post's preview names at most this many members. */
const MAX_MEMBERS_SHOWN = 10;

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

/** Team members as a person reads them: "Elena Rahman (2091670004)", an email as given. */
async function membersShown(members: Member[], ctx: ToolContext): Promise<string[]> {
  if (!members.some((m) => 'id' in m)) return members.map((m) => ('email' in m ? m.email : m.id));
  const names = new Map((await allExtensions(ctx)).map((p) => [String(p.id), p.name]));
  return members.map((m) => ('email' in m ? m.email : typeof names.get(m.id) === 'string' ? `${String(names.get(m.id))} (${m.id})` : m.id));
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

/** Where a post goes: a chat, or a colleague whose Direct chat is started when the post is sent. */
export interface ChatTarget {
  /** The chat; absent when a Direct chat with `person` does not exist yet. */
  id?: string;
  label?: string;
  person?: { id: string; name: string };
}

/**
 * The chat a ref names: a chat id of yours, a colleague's extension id, a team name, a person's
 * name or email (their Direct chat, to be started if there is none). Ambiguous names return the
 * candidates instead of guessing.
 */
export async function resolveChat(ref: string, ctx: ToolContext): Promise<ChatTarget> {
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

const isIn = (c: JsonObject, id: string | undefined) =>
  Array.isArray(c.members) && (c.members as JsonObject[]).some((m) => String(m.id) === id);

/** A person as a post target: their Direct chat with you, or the one to start. */
function personTarget(person: JsonObject, chats: JsonObject[], me: string): ChatTarget {
  const id = String(person.id);
  const name = String(person.name ?? id);
  const direct = chats.find((c) => c.type === 'Direct' && isIn(c, id) && isIn(c, me));
  return direct ? { id: String(direct.id), label: `Direct with ${name}` } : { person: { id, name }, label: `new Direct chat with ${name}` };
}

/** A user who can still be messaged. */
const reachable = (p: JsonObject) => p.status !== 'Disabled' && (p.type === undefined || p.type === 'User');

/** A numeric ref: one of your chats, else a colleague's extension id, else a chat id as given. */
async function byNumber(ref: string, chats: JsonObject[], ctx: ToolContext): Promise<ChatTarget> {
  const chat = chats.find((c) => String(c.id) === ref);
  if (chat) return { id: ref, label: String(chat.name ?? chat.type) };
  const [people, me] = await Promise.all([allExtensions(ctx), myExtensionId(ctx)]);
  const person = people.find((p) => String(p.id) === ref && ref !== me && reachable(p));
  return person ? personTarget(person, chats, me) : { id: ref };
}

async function matchChat(ref: string, ctx: ToolContext): Promise<ChatTarget> {
  const chats = await allChats(ctx);
  if (/^\d{1,30}$/.test(ref)) return byNumber(ref, chats, ctx);
  const byId = chats.find((c) => c.id === ref);
  if (byId) return { id: ref, label: String(byId.name ?? byId.type) };
  const wanted = ref.trim().toLowerCase();

  const named = chats.filter((c) => typeof c.name === 'string' && c.name.toLowerCase() === wanted);
  if (named.length === 1) return { id: String(named[0].id), label: String(named[0].name) };

  const people = matchPeople(ref, await allExtensions(ctx));
  const me = people.length ? await myExtensionId(ctx) : '';
  const persons = people.filter((p) => String(p.id) !== me);
  if (!named.length && persons.length === 1) return personTarget(persons[0], chats, me);
  // One chat of that name, or one person, was answered above: any candidates left are several.
  const candidates = [
    ...named.map((c) => ({ chatId: String(c.id), name: String(c.name), type: c.type })),
    ...persons.map((p) => {
      const target = personTarget(p, chats, me);
      return compactObject({ name: p.name, email: ((p.contact ?? {}) as JsonObject).email, id: String(p.id), chatId: target.id });
    }),
  ];
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

/** RingCentral's conversations endpoint opens the Direct chat with a person, or makes it: the same people give the same chat. */
async function openDirect(personId: string, ctx: ToolContext): Promise<string> {
  const answer = await ctx.rest('Medium', {
    method: 'POST',
    path: '/team-messaging/v1/conversations',
    body: { members: [{ id: personId }] },
  });
  const id = isObject(answer) ? answer.id : undefined;
  if (typeof id !== 'string' && typeof id !== 'number') {
    throw new ToolError('unparseable_output', 'RingCentral opened the Direct chat but named no chat id; nothing was posted', {
      fix: 'post again: the same chat is opened, not another',
    });
  }
  ctx.cache.delete('chats');
  return String(id);
}

/** The chat a post goes to, started first when it is a new Direct chat (never in a dry run, which shows where it would go). */
async function postChatId(i: { chatId: string }, ctx: ToolContext): Promise<string> {
  const target = await resolveChat(i.chatId, ctx);
  if (target.id) return target.id;
  if ('dryRun' in i && i.dryRun === true) return `(${target.label ?? 'new chat'})`;
  return openDirect(target.person!.id, ctx);
}

/** The members a post reaches, by name (you left out); a long list as its first ten and a count. */
async function membersOf(target: ChatTarget, ctx: ToolContext): Promise<string[] | string | undefined> {
  if (target.person) return [target.person.name];
  const chat = (await allChats(ctx)).find((c) => String(c.id) === target.id);
  if (!chat || !Array.isArray(chat.members)) return chat?.type === 'Everyone' ? 'everyone in the company' : undefined;
  const [people, me] = await Promise.all([allExtensions(ctx), myExtensionId(ctx)]);
  const names = new Map(people.map((p) => [String(p.id), String(p.name ?? p.id)]));
  const others = (chat.members as JsonObject[]).map((m) => String(m.id)).filter((id) => id !== me);
  const shown = others.slice(0, MAX_MEMBERS_SHOWN).map((id) => names.get(id) ?? id);
  return others.length > MAX_MEMBERS_SHOWN ? [...shown, `and ${others.length - MAX_MEMBERS_SHOWN} more`] : shown;
}

const listChats = defineTool({
  name: 'ringcentral_list_chats',
  title: 'List chats',
  description: 'Your chats; Direct and Group ones name the other members.',
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
    description: 'Post to a chat or a colleague (starts a Direct chat if none).',
    toolset: 'chats',
    kind: 'write',
    needsConfirmation: () => true,
    input: {
      chatId: z
        .string()
        .min(1)
        .max(200)
        // eslint-disable-next-line no-control-regex -- control characters are what it refuses
        .regex(/^[^\s-][^\u0000-\u001f]*$/, 'must be a chat id, team name or email (no leading "-" or control characters)')
        .describe("Chat id, team name, or a colleague's name, email or id"),
      text: z.string().min(1).max(10000).describe('Mention: ![:Person](personId)'),
    },
    exec: {
      via: 'either',
      action: {
        key: 'create-chat-post',
        sends: ['chatId', 'text'],
        input: async (i, ctx) => ({ chatId: await postChatId(i, ctx), text: i.text }),
      },
      rest: {
        group: 'Medium',
        call: async (i, ctx) => ({
          method: 'POST',
          path: `/team-messaging/v1/chats/${encodeURIComponent(await postChatId(i, ctx))}/posts`,
          body: { text: i.text },
        }),
      },
    },
    preview: async (i, ctx) => {
      const chat = await resolveChat(i.chatId, ctx);
      return compactObject({
        action: 'post to chat',
        chat: chat.id && chat.label ? `${chat.label} (${chat.id})` : (chat.label ?? chat.id),
        members: await membersOf(chat, ctx),
        text: i.text,
      });
    },
  }),
  defineTool({
    name: 'ringcentral_create_team',
    title: 'Create team',
    description: 'Create a team (a named chat) with members.',
    toolset: 'chats',
    kind: 'write',
    // A team that adds people is a message to them: confirmed like a post.
    needsConfirmation: (i) => (i.members?.length ?? 0) > 0,
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
      members: await membersShown((await teamBody(i, ctx)).members ?? [], ctx),
      public: i.public ?? false,
    }),
  }),
];
