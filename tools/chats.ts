/** Team messaging: chats, posts and teams. */
import { z } from 'zod';
import { ToolError } from '../src/errors.js';
import type { ToolContext } from '../src/context.js';
import { fetchAll, fetchRecord } from '../src/dispatch.js';
import { getExtensionInfo, listExtensions } from './account.js';
import { asArray, compactObject, defineTool, email, oneOf, query, type Record_ } from './define.js';

const CHAT_TYPES = ['Personal', 'Direct', 'Group', 'Team', 'Everyone'] as const;

/** RingCentral's page-size ceiling for chats, and enough pages for any real user's chats. */
const CHATS_PER_PAGE = 250;
const MAX_CHAT_PAGES = 20;
/** RingCentral's page-size ceiling for extensions; ten pages cover a 10,000-person company. */
const EXTENSIONS_PER_PAGE = 1000;
const MAX_EXTENSION_PAGES = 10;

/** RingCentral's TMCreateTeamRequest: members by person id or email. */
const teamBody = (i: { name: string; description?: string; public?: boolean; members?: string[] }) =>
  compactObject({ name: i.name, description: i.description, public: i.public, members: i.members?.map((m) => (m.includes('@') ? { email: m } : { id: m })) });

const compactChat = (r: Record_) =>
  compactObject({ id: r.id, type: r.type, name: r.name, members: Array.isArray(r.members) ? r.members.length : undefined, lastModified: r.lastModifiedTime });

/** Every chat of the user (all pages, through list_chats' route), cached for name look-ups. */
const allChats = (ctx: ToolContext): Promise<Record_[]> => ctx.cache.get('chats', () => fetchAll(ctx, listChats, {}, CHATS_PER_PAGE, MAX_CHAT_PAGES));

const allExtensions = (ctx: ToolContext): Promise<Record_[]> => ctx.cache.get('extensions', () => fetchAll(ctx, listExtensions, {}, EXTENSIONS_PER_PAGE, MAX_EXTENSION_PAGES));

const myExtensionId = (ctx: ToolContext): Promise<string> => ctx.cache.get('me', async () => String((await fetchRecord(ctx, getExtensionInfo, { extensionId: '~' })).id));

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

  const people = (await allExtensions(ctx)).filter((e) => {
    const email = String(((e.contact ?? {}) as Record_).email ?? '').toLowerCase();
    return email === wanted || String(e.name ?? '').toLowerCase() === wanted;
  });
  const me = people.length ? await myExtensionId(ctx) : '';
  const direct = people.flatMap((person) =>
    chats
      .filter((c) => c.type === 'Direct' && Array.isArray(c.members) && (c.members as Record_[]).some((m) => String(m.id) === String(person.id)) && (c.members as Record_[]).some((m) => String(m.id) === me))
      .map((c) => ({ id: String(c.id), label: `Direct with ${person.name}` })),
  );
  const candidates = [...named.map((c) => ({ id: String(c.id), label: String(c.name) })), ...direct];
  if (candidates.length === 1) return candidates[0];
  if (candidates.length > 1) {
    throw new ToolError('ambiguous', `"${ref}" matches ${candidates.length} chats; pass one chatId`, { candidates });
  }
  const partial = chats.filter((c) => typeof c.name === 'string' && c.name.toLowerCase().includes(wanted)).slice(0, 10);
  throw new ToolError('not_found', `no chat named "${ref}" and no Direct chat with such a person`, {
    candidates: partial.map((c) => ({ id: c.id, label: c.name })),
    fix: 'find the chat id with ringcentral_list_chats',
  });
}

const listChats = defineTool({
  name: 'ringcentral_list_chats',
  title: 'List chats',
  description: 'Your team-messaging chats: Personal, Direct (1:1), Group, Team, Everyone.',
  toolset: 'chats',
  kind: 'read',
  list: { paging: 'token', compact: compactChat, maxLimit: CHATS_PER_PAGE },
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
    description: 'Post to a team chat, named by id, team name or person; a name that matches several returns the candidates.',
    toolset: 'chats',
    kind: 'write',
    input: {
      chatId: z.string().min(1).max(200).regex(/^[^\s-][^\u0000-\u001f]*$/, 'must be a chat id, team name or email (no leading "-" or control characters)').describe('Chat id, team name, or a person\'s name or email (their Direct chat)'),
      text: z.string().min(1).max(10000).describe('Mention: ![:Person](personId)'),
    },
    exec: {
      via: 'either',
      action: { key: 'create-chat-post', sends: ['chatId', 'text'], input: async (i, ctx) => ({ chatId: (await resolveChat(i.chatId, ctx)).id, text: i.text }) },
      rest: {
        group: 'Medium',
        call: async (i, ctx) => ({ method: 'POST', path: `/team-messaging/v1/chats/${encodeURIComponent((await resolveChat(i.chatId, ctx)).id)}/posts`, body: { text: i.text } }),
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
    description: 'Create a team (a named chat) with members by email or person id.',
    toolset: 'chats',
    kind: 'write',
    invalidates: ['chats'],
    input: {
      name: z.string().min(1).max(250),
      members: z
        .array(z.union([email, z.string().regex(/^\d{1,19}$/)]))
        .max(100)
        .describe('Emails or person (extension) ids')
        .optional(),
      description: z.string().max(1000).optional(),
      public: z.boolean().optional(),
    },
    exec: {
      via: 'either',
      action: { key: 'create-team', sends: ['name', 'description', 'public', 'members[].id', 'members[].email'], input: (i) => teamBody(i) },
      rest: { group: 'Medium', call: (i) => ({ method: 'POST', path: '/team-messaging/v1/teams', body: teamBody(i) }) },
    },
    preview: async (i) => ({ action: 'create team', name: i.name, members: i.members ?? [], public: i.public ?? false }),
  }),
];
