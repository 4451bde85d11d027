// Team messaging: chats, posts and teams. Ids are strings.
import type { Chat, Post, Rec } from '../model.js';
import type { TMAttachmentInfo, TMChatInfo, TMConversationInfo, TMMentionsInfo, TMTeamInfo } from '../rc.js';
import { invalid, notFound, ok, type Ctx, type Handler } from './http.js';
import { iso, pub, type Public } from './ids.js';
import { pageB, type Sorted } from './paging.js';
import { enums } from './query.js';

const TYPES: Chat['type'][] = ['Personal', 'Direct', 'Group', 'Team', 'Everyone'];
const ATTACHMENT_TYPES: TMAttachmentInfo['type'][] = ['File', 'Note', 'Event', 'Card'];
const BAD_BODY = 'One of body parameters has invalid value.';

/** What every listed record has: team-messaging lists are ordered by creation, then id. */
interface Keyed {
  id: string;
  creationTime: string;
}
const key = (r: Keyed) => `${r.creationTime}|${r.id.padStart(20, '0')}`;

const me = (ctx: Ctx) => String(ctx.state.extId);
const isMember = (ctx: Ctx, c: Chat) => c.members.some((m) => m.id === me(ctx));
/** Chats the user is in, plus public teams the user could join. */
const visible = (ctx: Ctx, c: Chat) => isMember(ctx, c) || (c.type === 'Team' && c.public === true);

/** A chat as RingCentral lists it: team fields only on teams, name and description on teams and Everyone. */
function chatInfo(c: Chat): TMChatInfo & Keyed {
  const team = c.type === 'Team';
  const named = team || c.type === 'Everyone';
  return {
    id: c.id,
    type: c.type,
    ...(team ? { public: c.public, status: c.status } : {}),
    ...(named ? { name: c.name, description: c.description } : {}),
    creationTime: c.creationTime,
    lastModifiedTime: c.lastModifiedTime,
    members: c.members,
  };
}

function teamInfo(c: Chat): TMTeamInfo & Keyed {
  return {
    id: c.id,
    type: 'Team',
    public: c.public,
    name: c.name,
    description: c.description,
    status: c.status,
    creationTime: c.creationTime,
    lastModifiedTime: c.lastModifiedTime,
  };
}

/** A post's attachments as the request names them: a string id and, if given, one of RingCentral's types. */
function attachmentsOf(v: unknown): TMAttachmentInfo[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw invalid('attachments', v, BAD_BODY);
  return v.map((a: unknown, i): TMAttachmentInfo => {
    const att = a as Rec | null;
    if (!att || typeof att !== 'object' || typeof att.id !== 'string' || !att.id) throw invalid(`attachments[${i}].id`, att?.id, BAD_BODY);
    if (att.type !== undefined && !ATTACHMENT_TYPES.includes(att.type)) throw invalid(`attachments[${i}].type`, att.type, BAD_BODY);
    return att.type === undefined ? { id: att.id } : { id: att.id, type: att.type };
  });
}

function findChat(ctx: Ctx, id: string): Chat {
  const c = id === '~' ? ctx.state.chats.find((x) => x.type === 'Personal') : ctx.state.chats.find((x) => x.id === id && visible(ctx, x));
  if (!c) throw notFound('chatId', id);
  return c;
}

export const listChats: Handler = (ctx, req) => {
  const types = enums(req.query, 'type', TYPES);
  return ok(
    pageB(req, 'chats', { type: types }, (f): Sorted<TMChatInfo & Keyed> => ({
      records: ctx.state.chats.filter((c) => visible(ctx, c) && (!f.type.length || f.type.includes(c.type))).map(chatInfo),
      key,
      dir: 1,
    })),
  );
};

export const getChat: Handler = (ctx, _req, p) => ok(chatInfo(findChat(ctx, p.chatId)));

export const listTeams: Handler = (ctx, req) =>
  ok(
    pageB(req, 'teams', {}, (): Sorted<TMTeamInfo & Keyed> => ({
      records: ctx.state.chats.filter((c) => c.type === 'Team' && visible(ctx, c)).map(teamInfo),
      key,
      dir: 1,
    })),
  );

export const listPosts: Handler = (ctx, req, p) => {
  const c = findChat(ctx, p.chatId);
  return ok(
    pageB(req, 'posts', { chatId: c.id }, (f): Sorted<Public<Post>> => {
      if (f.chatId !== c.id) throw invalid('pageToken');
      const posts = ctx.state.posts.filter((x) => x.groupId === c.id);
      return { records: posts.reverse().map(pub), key, dir: -1 };
    }),
  );
};

export const createPost: Handler = (ctx, req, p) => {
  const c = findChat(ctx, p.chatId);
  if (!isMember(ctx, c)) throw notFound('chatId', p.chatId);
  const b = req.body as Rec | undefined;
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw invalid('body', undefined, BAD_BODY);
  const hasText = typeof b.text === 'string' && b.text.trim() !== '';
  const attachments = attachmentsOf(b.attachments);
  if (b.text !== undefined && typeof b.text !== 'string') throw invalid('text', b.text, BAD_BODY);
  if (!hasText && !attachments.length) throw invalid('text', b.text, BAD_BODY);
  if (hasText && b.text.length > 10_000) throw invalid('text', undefined, BAD_BODY);
  if (b.parentPostId !== undefined && !ctx.state.posts.some((x) => x.id === String(b.parentPostId) && x.groupId === c.id)) {
    throw invalid('parentPostId', b.parentPostId, BAD_BODY);
  }
  const s = ctx.state;
  const id = String(s.next.post);
  s.next.post += 4;
  const t = iso(ctx.now);
  const names = new Map(s.extensions.map((e) => [String(e.id), e.name]));
  const mentions = [...String(b.text ?? '').matchAll(/!\[:Person\]\((\d+)\)/g)].map((m): TMMentionsInfo => ({
    id: m[1],
    type: 'Person',
    name: names.get(m[1]) ?? '',
  }));
  const post: Post = {
    id,
    groupId: c.id,
    type: 'TextMessage',
    text: b.text ?? '',
    creatorId: me(ctx),
    addedPersonIds: [],
    creationTime: t,
    lastModifiedTime: t,
    attachments,
    mentions,
    _user: true,
  };
  if (b.parentPostId !== undefined) post.parentPostId = String(b.parentPostId);
  s.posts.push(post);
  c.lastModifiedTime = t;
  c._userModified = true;
  ctx.dirty = true;
  return ok(pub(post), 201);
};

export const createTeam: Handler = (ctx, req) => {
  const b = req.body as Rec | undefined;
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw invalid('body', undefined, BAD_BODY);
  if (typeof b.name !== 'string' || !b.name.trim()) throw invalid('name', b.name, BAD_BODY);
  if (b.public !== undefined && typeof b.public !== 'boolean') throw invalid('public', b.public, BAD_BODY);
  if (b.description !== undefined && typeof b.description !== 'string') throw invalid('description', b.description, BAD_BODY);
  if (b.members !== undefined && !Array.isArray(b.members)) throw invalid('members', b.members, BAD_BODY);
  const s = ctx.state;
  const ids = new Set<string>([me(ctx)]);
  ((b.members ?? []) as Rec[]).forEach((m, i) => {
    if (m && typeof m.id === 'string' && m.id) {
      if (!s.extensions.some((e) => String(e.id) === m.id)) throw invalid(`members[${i}].id`, m.id, BAD_BODY);
      ids.add(m.id);
    } else if (m && typeof m.email === 'string' && /^[^@\s]+@[^@\s]+$/.test(m.email)) {
      const e = s.extensions.find((x) => String(x.contact.email ?? '').toLowerCase() === m.email.toLowerCase());
      // An address outside the company becomes a guest with a new person id.
      ids.add(e ? String(e.id) : String(s.next.chat++ * 10 + 7));
    } else throw invalid(`members[${i}]`, m, BAD_BODY);
  });
  const t = iso(ctx.now);
  s.next.chat += 2;
  const team: Chat = {
    id: String(s.next.chat),
    type: 'Team',
    public: b.public ?? false,
    status: 'Active',
    name: b.name,
    description: b.description ?? '',
    creationTime: t,
    lastModifiedTime: t,
    members: [...ids].map((id) => ({ id })),
    _user: true,
  };
  s.chats.push(team);
  ctx.dirty = true;
  return ok(teamInfo(team), 201);
};

/** RingCentral's limit on the members named in one conversation request (the user's own id is optional). */
const MAX_CONVERSATION_MEMBERS = 15;

/** A conversation member (`{id}` or `{email}`) as the person id it names; only people of the company. */
function memberId(ctx: Ctx, m: unknown, i: number): string {
  const member = m as Rec | null;
  if (member && typeof member.id === 'string' && member.id) {
    if (!ctx.state.extensions.some((e) => String(e.id) === member.id)) throw invalid(`members[${i}].id`, member.id, BAD_BODY);
    return member.id;
  }
  if (member && typeof member.email === 'string' && /^[^@\s]+@[^@\s]+$/.test(member.email)) {
    const email = member.email.toLowerCase();
    const e = ctx.state.extensions.find((x) => String(x.contact.email ?? '').toLowerCase() === email);
    if (!e) throw invalid(`members[${i}].email`, member.email, BAD_BODY);
    return String(e.id);
  }
  throw invalid(`members[${i}]`, m, BAD_BODY);
}

const conversationInfo = (c: Chat): TMConversationInfo => ({
  id: c.id,
  type: c.type as TMConversationInfo['type'],
  creationTime: c.creationTime,
  lastModifiedTime: c.lastModifiedTime,
  members: c.members,
});

/**
 * Creates a conversation or opens the existing one (createGlipConversationNew): the same people
 * always give the same chat, 200 when it existed, 201 when made. Without members: the Personal chat.
 * Two people make a Direct chat, more a Group.
 */
export const createConversation: Handler = (ctx, req) => {
  const b = req.body as Rec | undefined;
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw invalid('body', undefined, BAD_BODY);
  if (b.members !== undefined && !Array.isArray(b.members)) throw invalid('members', b.members, BAD_BODY);
  const named = (b.members ?? []) as unknown[];
  if (named.length > MAX_CONVERSATION_MEMBERS) throw invalid('members', undefined, BAD_BODY);
  const ids = new Set<string>([me(ctx), ...named.map((m, i) => memberId(ctx, m, i))]);
  const s = ctx.state;
  const type: Chat['type'] = ids.size === 1 ? 'Personal' : ids.size === 2 ? 'Direct' : 'Group';
  const same = (c: Chat) => c.type === type && c.members.length === ids.size && c.members.every((m) => ids.has(String(m.id)));
  const existing = s.chats.find(same);
  if (existing) return ok(conversationInfo(existing));
  const t = iso(ctx.now);
  s.next.chat += 2;
  const chat: Chat = {
    id: String(s.next.chat),
    type,
    creationTime: t,
    lastModifiedTime: t,
    members: [...ids].map((id) => ({ id })),
    _user: true,
  };
  s.chats.push(chat);
  ctx.dirty = true;
  return ok(conversationInfo(chat), 201);
};
