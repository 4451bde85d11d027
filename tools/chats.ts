/** Team messaging: chats, posts and teams. */
import { z } from 'zod';
import { ToolError } from '../src/errors.js';
import { runAction, type ToolContext } from '../src/context.js';
import { asArray, compactObject, defineTool, email, oneOf, type Record_ } from './define.js';

const CHAT_TYPES = ['Personal', 'Direct', 'Group', 'Team', 'Everyone'] as const;

const compactChat = (r: Record_) =>
  compactObject({ id: r.id, type: r.type, name: r.name, members: Array.isArray(r.members) ? r.members.length : undefined, lastModified: r.lastModifiedTime });

const records = (body: unknown): Record_[] => {
  const b = body as Record_;
  return (Array.isArray(body) ? body : Array.isArray(b?.records) ? b.records : Array.isArray(b?.items) ? b.items : []) as Record_[];
};

/** Every chat of the user (all pages), cached for name look-ups. */
function allChats(ctx: ToolContext): Promise<Record_[]> {
  return ctx.cache.get('chats', async () => {
    const chats: Record_[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < 20; page++) {
      const body = (await runAction(ctx, 'list-chats', compactObject({ recordCount: 250, pageToken }))) as Record_;
      chats.push(...records(body));
      pageToken = ((body?.navigation ?? {}) as Record_).nextPageToken as string | undefined;
      if (!pageToken) break;
    }
    return chats;
  });
}

function allExtensions(ctx: ToolContext): Promise<Record_[]> {
  return ctx.cache.get('extensions', async () => records(await runAction(ctx, 'list-extensions', { perPage: 1000 })));
}

function myExtensionId(ctx: ToolContext): Promise<string> {
  return ctx.cache.get('me', async () => String(((await runAction(ctx, 'get-extension-info', { extensionId: '~' })) as Record_)?.id));
}

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

export const chatTools = [
  defineTool({
    name: 'ringcentral_list_chats',
    title: 'List chats',
    description: 'Your team-messaging chats: Personal, Direct (1:1), Group, Team, Everyone.',
    toolset: 'chats',
    kind: 'read',
    action: 'list-chats',
    list: { paging: 'token', compact: compactChat, maxLimit: 250 },
    input: { type: oneOf(CHAT_TYPES) },
    actionInput: (i) => compactObject({ type: asArray(i.type) }),
  }),
  defineTool({
    name: 'ringcentral_create_chat_post',
    title: 'Post to chat',
    description: 'Post to a team chat, named by id, team name or person; a name that matches several returns the candidates.',
    toolset: 'chats',
    kind: 'write',
    action: 'create-chat-post',
    input: {
      chatId: z.string().min(1).max(200).regex(/^[^\s-][^\u0000-\u001f]*$/, 'must be a chat id, team name or email (no leading "-" or control characters)').describe('Chat id, team name, or a person\'s name or email (their Direct chat)'),
      text: z.string().min(1).max(10000).describe('Mention: ![:Person](personId)'),
    },
    actionInput: async (i, ctx) => ({ chatId: (await resolveChat(i.chatId, ctx)).id, text: i.text }),
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
    action: 'create-team',
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
    actionInput: (i) =>
      compactObject({
        name: i.name,
        description: i.description,
        public: i.public,
        members: i.members?.map((m) => (m.includes('@') ? { email: m } : { id: m })),
      }),
    preview: async (i) => ({ action: 'create team', name: i.name, members: i.members ?? [], public: i.public ?? false }),
  }),
];
