// Team messaging chats and posts, RingCentral Video bridges and meeting history.
import type { Chat, Extension, Meeting, Post } from '../model.js';
import { VIDEO } from '../hosts.js';
import { makeBridge } from './bridge.js';
import { DAY, SeedCtx } from './context.js';
import { COMPANY } from './directory.js';
import { MEETING_NAMES, POSTS, TEAMS } from './names.js';

export function seedCollab(ctx: SeedCtx, exts: Extension[]) {
  const { rng } = ctx;
  const me = String(ctx.extId);
  const users = exts.filter((e) => e.type === 'User' && e.status === 'Enabled' && e.id !== ctx.extId).map((e) => String(e.id));
  const chats: Chat[] = [];
  let chatId = 1_536_000_000 + rng.int(0, 99_999) * 10;
  const chat = (type: Chat['type'], members: string[], extra: Partial<Chat> = {}, ageDays = rng.int(30, 700)) => {
    const t = ctx.ago(ageDays * DAY + rng.int(0, DAY));
    chatId += rng.int(1, 5000) * 2;
    const c: Chat = { id: String(chatId), type, ...extra, creationTime: t, lastModifiedTime: t, members: members.map((id) => ({ id })) };
    chats.push(c);
    return c;
  };
  chat('Personal', [me], {}, 800);
  chat('Everyone', [me, ...users], { name: `All ${COMPANY}`, description: 'Company-wide announcements' }, 790);
  const pool = rng.shuffle([...users]);
  for (let i = 0; i < 6; i++) chat('Direct', [me, pool[i]]);
  for (let i = 0; i < 4; i++) chat('Group', [me, ...rng.shuffle([...users]).slice(0, rng.int(2, 4))]);
  TEAMS.forEach(([name, description, isPublic], i) => {
    const members = rng.shuffle([...users]).slice(0, rng.int(3, 8));
    // The last team is public and the user is not in it: List Chats still shows it (joinable).
    const withMe = i === TEAMS.length - 1 ? members : [me, ...members];
    chat('Team', withMe, { public: isPublic, status: name.includes('2024') ? 'Archived' : 'Active', name, description });
  });
  chats.sort((a, b) => (a.creationTime < b.creationTime ? -1 : 1));

  const posts: Post[] = [];
  let postId = 5_852_000_000 + rng.int(0, 999) * 1000;
  for (const c of chats) {
    const n = c.type === 'Personal' ? 2 : rng.int(3, 10);
    const start = Date.parse(c.creationTime);
    for (let i = 0; i < n; i++) {
      const t = new Date(start + rng.next() * (ctx.anchor - start - 3_600_000)).toISOString();
      postId += rng.int(1, 999) * 4;
      const creator = c.type === 'Personal' ? me : rng.pick(c.members as { id: string }[]).id;
      posts.push({
        id: String(postId),
        groupId: c.id,
        type: 'TextMessage',
        text: rng.pick(POSTS),
        creatorId: creator,
        addedPersonIds: [],
        creationTime: t,
        lastModifiedTime: t,
        attachments: [],
        mentions: [],
      });
      if (t > c.lastModifiedTime) c.lastModifiedTime = t;
    }
  }
  posts.sort((a, b) => (a.creationTime < b.creationTime ? -1 : 1));

  const rand = () => rng.next();
  const bridges = [
    makeBridge(rand, ctx.accountId, ctx.extId, { name: `${ctx.profile.first} ${ctx.profile.last}'s Meeting`, type: 'PMI' }),
    makeBridge(rand, ctx.accountId, ctx.extId, { name: 'Weekly sync', type: 'Scheduled' }),
    makeBridge(rand, ctx.accountId, ctx.extId, {
      name: 'Board review',
      type: 'Scheduled',
      security: { passwordProtected: true, password: 'Board2026', sameAccount: true },
    }),
    makeBridge(rand, ctx.accountId, ctx.extId, { name: 'Quick chat', type: 'Instant' }),
  ];

  const history: Meeting[] = [];
  const hostNames = new Map(exts.map((e) => [String(e.id), e.name]));
  for (let i = 0; i < 36; i++) {
    const mine = rng.chance(0.7);
    const host = mine ? me : rng.pick(users);
    const b = mine ? rng.pick(bridges) : null;
    const start = ctx.anchor - rng.int(3_600_000, 60 * DAY);
    const dur = rng.int(5, 90) * 60;
    const others = rng.shuffle([...users]).slice(0, rng.int(1, 6));
    const id = `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`;
    history.push({
      id,
      shortId: b ? b.pins.web : rng.digits(10),
      bridgeId: b ? b.id : `iad41-c0${rng.int(0, 8)}-ndb${rng.hex(26)}`,
      startTime: new Date(start).toISOString(),
      duration: dur,
      displayName: b ? b.name : rng.pick(MEETING_NAMES),
      type: 'Meeting',
      status: 'Done',
      // The user may delete and share the meetings they hosted; a meeting someone else hosted can only be downloaded.
      rights: host === me ? ['delete', 'download', 'share'] : ['download'],
      hostInfo: { accountId: String(ctx.accountId), extensionId: host, displayName: hostNames.get(host) },
      participants: [host, ...others.filter((o) => o !== host)].map((extensionId, k) => ({
        // RingCentral's participant ids are short session tags, e.g. "b2ac_770".
        id: `${id.slice(0, 4)}_${101 + k}`,
        displayName: hostNames.get(extensionId),
        accountId: String(ctx.accountId),
        extensionId,
        type: k === 0 ? 'Host' : 'User',
      })),
      // Every fourth meeting was recorded (no draw from the generator, so the rest of the seed stays as it was).
      recordings:
        i % 4 === 1
          ? [
              {
                id: `${id.slice(0, 8)}-rec1`,
                startTime: start + 60_000,
                url: `${VIDEO}/recordings/${id}`,
                status: 'Processed',
                availabilityStatus: 'Alive',
              },
            ]
          : [],
      _deleted: i % 12 === 5,
    });
  }
  history.sort((a, b) => (a.startTime < b.startTime ? 1 : -1));
  return { chats, posts, bridges, history, nextPost: postId + 100_000, nextChat: chatId + 100_000 };
}
