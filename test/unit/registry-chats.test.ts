/**
 * tools/chats.ts: people and chats named the way a person names them, team members resolved to
 * ids or emails, and Direct/Group chats that show who they are with.
 */
import { describe, expect, it } from 'vitest';
import { matchPeople, resolveChat } from '../../tools/chats.js';
import type { Exec, JsonObject } from '../../tools/contract.js';
import { scriptedContext, toolNamed, type Script } from './scripted-cli.js';
import { refusal } from './caught.js';

const CHATS = 'GET /team-messaging/v1/chats';
const EXTENSIONS = 'GET /restapi/v1.0/account/~/extension';
const ME = 'GET /restapi/v1.0/account/~/extension/~';
const people = [
  { id: 1, name: 'Me Myself', type: 'User', contact: { email: 'me@x.co' } },
  { id: 2, name: 'Ann Lee', type: 'User', contact: { firstName: 'Ann', lastName: 'Lee', email: 'ann@x.co' } },
  { id: 3, name: 'Annika Berg', type: 'User', contact: { firstName: 'Annika', lastName: 'Berg', email: 'annika@x.co' } },
  { id: 4, name: 'Bob Stone', contact: { firstName: 'Bob', lastName: 'Stone', email: 'bob@x.co' } },
  { id: 5, name: 'Sales Queue', type: 'Department', contact: { email: 'sales@x.co' } },
  { id: 6, type: 'User', contact: { firstName: 'Cy', lastName: 'Young' } },
];
const chats = [
  { id: '100', type: 'Team', name: 'Design' },
  { id: '101', type: 'Direct', members: [{ id: '1' }, { id: '2' }] },
  { id: '102', type: 'Group', members: [{ id: '1' }, { id: '2' }, { id: '4' }, { id: '9' }] },
  { id: 'abc', type: 'Personal' },
  { id: '103', type: 'Team', name: 'Design Review' },
  { id: '104', type: 'Team', name: 'Ann Lee' },
];
const world = (more: Record<string, unknown> = {}): Script => ({
  rest: {
    [CHATS]: { records: chats, navigation: {} },
    [EXTENSIONS]: { records: people, navigation: {} },
    [ME]: { id: 1, name: 'Me Myself', extensionNumber: '101' },
    ...more,
  },
});
const ids = (found: JsonObject[]) => found.map((p) => p.id);

describe('matchPeople', () => {
  it('an exact email, full, first or last name, case-insensitively and trimmed; users only', () => {
    expect(ids(matchPeople('ann@x.co', people))).toEqual([2]);
    expect(ids(matchPeople('  ANN LEE ', people))).toEqual([2]);
    expect(ids(matchPeople('ann', people))).toEqual([2]);
    expect(ids(matchPeople('stone', people))).toEqual([4]);
    expect(ids(matchPeople('young', people))).toEqual([6]);
    expect(ids(matchPeople('cy young', people))).toEqual([6]);
    expect(ids(matchPeople('myself', people))).toEqual([1]);
    expect(ids(matchPeople('park', [{ id: 9, type: 'User', name: 'Zoe\tPark' }]))).toEqual([9]);
    expect(ids(matchPeople('sales queue', people))).toEqual([]);
  });

  it('a disabled user is nobody to message: not matched, by name or by prefix', () => {
    const staff = [
      { id: 1, type: 'User', status: 'Disabled', name: 'Jonah Brooks' },
      { id: 2, type: 'User', status: 'NotActivated', name: 'Jonah Price' },
      { id: 3, type: 'User', status: 'Enabled', name: 'Jonas Brooks' },
    ];
    expect(ids(matchPeople('jonah', staff))).toEqual([2]);
    expect(ids(matchPeople('brooks', staff))).toEqual([3]);
    expect(ids(matchPeople('jonah b', staff))).toEqual([]);
  });

  it('an exact match wins over longer names it is the start of', () => {
    const emails = [
      { id: 1, type: 'User', contact: { email: 'ann@x.co' } },
      { id: 2, type: 'User', contact: { email: 'ann@x.co.uk' } },
    ];
    expect(ids(matchPeople('ann@x.co', emails))).toEqual([1]);
    const names = [
      { id: 1, type: 'User', name: 'Ann Lee' },
      { id: 2, type: 'User', name: 'Ann Leeds' },
    ];
    expect(ids(matchPeople('ann lee', names))).toEqual([1]);
    const given = [
      { id: 1, type: 'User', contact: { firstName: 'Jo', lastName: 'Ng' } },
      { id: 2, type: 'User', contact: { firstName: 'Joan', lastName: 'Ng' } },
    ];
    expect(ids(matchPeople('jo ng', given))).toEqual([1]);
    expect(ids(matchPeople('jo', given))).toEqual([1]);
    expect(ids(matchPeople('annie', [{ id: 3, type: 'User', name: 'Ann Lee', contact: { firstName: 'Annie' } }]))).toEqual([3]);
  });

  it('failing that, a prefix of any of them', () => {
    expect(ids(matchPeople('an', people))).toEqual([2, 3]);
    expect(ids(matchPeople('ann l', people))).toEqual([2]);
    expect(ids(matchPeople('ber', people))).toEqual([3]);
    expect(ids(matchPeople('annika@', people))).toEqual([3]);
    expect(ids(matchPeople('zed', people))).toEqual([]);
    expect(ids(matchPeople('', [{ id: 7, type: 'User', name: 'X' }]))).toEqual([7]);
    expect(ids(matchPeople('@', [{ id: 8, type: 'User', contact: {} }]))).toEqual([]);
  });
});

describe('resolveChat', () => {
  const resolve = async (ref: string, script = world()) => {
    const { ctx, argvs } = scriptedContext(script);
    return { chat: await resolveChat(ref, ctx), calls: argvs.map((a) => a[2].split('?')[0]) };
  };
  const refused = async (ref: string, script = world()) => {
    const { ctx, argvs } = scriptedContext(script);
    return { error: await refusal(resolveChat(ref, ctx)), calls: argvs.map((a) => a[2].split('?')[0]) };
  };
  const LOOKUPS = ['/team-messaging/v1/chats', '/restapi/v1.0/account/~/extension'];

  it("a number: one of your chats; else a colleague's extension id (your Direct chat, or one to start); else as given", async () => {
    expect(await resolve('101')).toStrictEqual({ chat: { id: '101', label: 'Direct' }, calls: [LOOKUPS[0]] });
    expect(await resolve('2')).toStrictEqual({ chat: { id: '101', label: 'Direct with Ann Lee' }, calls: [...LOOKUPS, ME.slice(4)] });
    expect((await resolve('4')).chat).toStrictEqual({ person: { id: '4', name: 'Bob Stone' }, label: 'new Direct chat with Bob Stone' });
    // Not a person to message (a queue, yourself), or nobody: the id as given.
    for (const ref of ['5', '1', '123456', '1'.repeat(30)]) {
      expect(await resolve(ref), ref).toStrictEqual({ chat: { id: ref }, calls: [...LOOKUPS, ME.slice(4)] });
    }
  });

  it('anything but 1 to 30 digits is looked up by name', async () => {
    for (const ref of ['1'.repeat(31), 'x1', '1x']) {
      const { error, calls } = await refused(ref);
      expect(error.code, ref).toBe('not_found');
      expect(calls.length, ref).toBe(4);
    }
  });

  it('only not_found is looked up again: ambiguity and failures are final', async () => {
    expect((await refused('an')).calls).toEqual([...LOOKUPS, '/restapi/v1.0/account/~/extension/~']);
    const { ctx, argvs } = scriptedContext({ rest: { [CHATS]: { records: chats } } });
    await expect(resolveChat('zed', ctx)).rejects.toThrow('the script has no answer for GET /restapi/v1.0/account/~/extension');
    expect(argvs.map((a) => a[2].split('?')[0])).toEqual(LOOKUPS);
  });

  it('a person who joined since the directory was read is found on the second look', async () => {
    let reads = 0;
    const zoe = { id: 30, name: 'Zoe Park', type: 'User', contact: { email: 'zoe@x.co' } };
    const later = world({
      [CHATS]: { records: [...chats, { id: '110', type: 'Direct', members: [{ id: '1' }, { id: '30' }] }] },
      [EXTENSIONS]: () => ({ records: reads++ === 0 ? people : [...people, zoe] }),
    });
    expect((await resolve('zoe', later)).chat).toStrictEqual({ id: '110', label: 'Direct with Zoe Park' });
  });

  it('the Direct chat is the one of exactly you two', async () => {
    const tricky = world({
      [CHATS]: {
        records: [
          { id: '111', type: 'Direct' },
          { id: '112', type: 'Direct', members: [{ id: '2' }, { id: '3' }] },
          { id: '113', type: 'Group', members: [{ id: '1' }, { id: '4' }] },
          ...chats,
        ],
      },
    });
    expect((await resolve('ann@x.co', tricky)).chat).toStrictEqual({ id: '101', label: 'Direct with Ann Lee' });
    expect((await resolve('bob', tricky)).chat).toStrictEqual({
      person: { id: '4', name: 'Bob Stone' },
      label: 'new Direct chat with Bob Stone',
    });
  });

  it('a chat id, or exactly one team of that name', async () => {
    expect(
      (await resolve('t-1', world({ [CHATS]: { records: [...chats, { id: 't-1', type: 'Team', name: 'Ops' }] } }))).chat,
    ).toStrictEqual({
      id: 't-1',
      label: 'Ops',
    });
    expect(await resolve('abc')).toStrictEqual({ chat: { id: 'abc', label: 'Personal' }, calls: [LOOKUPS[0]] });
    expect((await resolve(' DESIGN ')).chat).toStrictEqual({ id: '100', label: 'Design' });
    expect((await resolve('ann lee')).chat).toStrictEqual({ id: '104', label: 'Ann Lee' });
  });

  it('a person: the Direct chat between you and them', async () => {
    expect(await resolve('ann@x.co')).toStrictEqual({
      chat: { id: '101', label: 'Direct with Ann Lee' },
      calls: [...LOOKUPS, '/restapi/v1.0/account/~/extension/~'],
    });
  });

  it('a person without a Direct chat with you: the one to start, looked up once', async () => {
    expect(await resolve('bob')).toStrictEqual({
      chat: { person: { id: '4', name: 'Bob Stone' }, label: 'new Direct chat with Bob Stone' },
      calls: [...LOOKUPS, '/restapi/v1.0/account/~/extension/~'],
    });
  });

  it('several people or chats: ambiguous, with every candidate', async () => {
    const people2 = await refused('an');
    expect(people2.error.code).toBe('ambiguous');
    expect(people2.error.message).toBe('"an" matches 2 chats or people; pass one chatId');
    expect(people2.error.details).toStrictEqual({
      candidates: [
        { name: 'Ann Lee', email: 'ann@x.co', id: '2', chatId: '101' },
        { name: 'Annika Berg', email: 'annika@x.co', id: '3' },
      ],
    });
    const twoTeams = world({ [CHATS]: { records: [...chats, { id: '105', type: 'Team', name: 'design' }] } });
    const teams = await refused('Design', twoTeams);
    expect(teams.error.message).toBe('"Design" matches 2 chats or people; pass one chatId');
    expect(teams.error.details).toStrictEqual({
      candidates: [
        { chatId: '100', name: 'Design', type: 'Team' },
        { chatId: '105', name: 'design', type: 'Team' },
      ],
    });
    const teamsAndAnn = world({
      [CHATS]: { records: [...chats, { id: '106', type: 'Team', name: 'ann@x.co' }, { id: '107', type: 'Team', name: 'Ann@x.co' }] },
    });
    expect((await refused('ann@x.co', teamsAndAnn)).error.details.candidates).toStrictEqual([
      { chatId: '106', name: 'ann@x.co', type: 'Team' },
      { chatId: '107', name: 'Ann@x.co', type: 'Team' },
      { name: 'Ann Lee', email: 'ann@x.co', id: '2', chatId: '101' },
    ]);
  });

  it('nothing of that name: not_found with chats whose names contain it (ten at most)', async () => {
    const review = await refused('review');
    expect(review.error.code).toBe('not_found');
    expect(review.error.message).toBe('no chat named "review" and no person of that name or email');
    expect(review.error.details).toStrictEqual({
      candidates: [{ chatId: '103', name: 'Design Review' }],
      fix: 'find the chat id with ringcentral_list_chats',
    });
    expect(review.calls).toEqual([...LOOKUPS, ...LOOKUPS]);
    expect((await refused('me@x.co')).error.details.candidates).toStrictEqual([]);
    const staff = [...people, { id: 8, type: 'User', status: 'Disabled', name: 'Rev Old' }];
    expect((await refused('rev', world({ [EXTENSIONS]: { records: staff, navigation: {} } }))).error.message).toBe(
      'no chat named "rev" and no person of that name or email (Rev Old: disabled in RingCentral, so not offered)',
    );
    // Every disabled user the name names; none of the usable ones (yourself, whom it also names, included).
    const formers = [
      ...people,
      { id: 8, type: 'User', status: 'Disabled', name: 'Rev Old' },
      { id: 9, type: 'User', status: 'Disabled', name: 'Rev Older' },
      { id: 10, type: 'User', status: 'Enabled', name: 'Revered' },
    ];
    expect((await refused('rev old', world({ [EXTENSIONS]: { records: formers, navigation: {} } }))).error.message).toBe(
      'no chat named "rev old" and no person of that name or email (Rev Old: disabled in RingCentral, so not offered)',
    );
    const twoFormers = formers.filter((p) => p.id !== 10);
    expect((await refused('rev', world({ [EXTENSIONS]: { records: twoFormers, navigation: {} } }))).error.message).toBe(
      'no chat named "rev" and no person of that name or email (Rev Old, Rev Older: disabled in RingCentral, so not offered)',
    );
    expect((await refused('me myself')).error.message).toBe('no chat named "me myself" and no person of that name or email');
    const many = Array.from({ length: 12 }, (_, i) => ({ id: `p${i}`, type: 'Team', name: `Project ${i}` }));
    const projects = await refused('project', world({ [CHATS]: { records: many } }));
    expect(projects.error.details.candidates).toStrictEqual(many.slice(0, 10).map((c) => ({ chatId: c.id, name: c.name })));
  });

  it('a chat made since the lists were read is found on the second look', async () => {
    let reads = 0;
    const later = world({ [CHATS]: () => ({ records: reads++ === 0 ? chats : [...chats, { id: '200', type: 'Team', name: 'New' }] }) });
    expect(await resolve('new', later)).toStrictEqual({ chat: { id: '200', label: 'New' }, calls: [...LOOKUPS, LOOKUPS[0]] });
  });

  it('reads every page of the chats and of the directory, at the largest page sizes', async () => {
    const { ctx, argvs } = scriptedContext(
      world({
        [`${CHATS}?recordCount=250`]: { records: [chats[0]], navigation: { nextPageToken: 'T2' } },
        [`${CHATS}?recordCount=250&pageToken=T2`]: { records: [{ id: '300', type: 'Team', name: 'Late' }], navigation: {} },
        [`${EXTENSIONS}?page=1&perPage=1000`]: { records: [people[0]], navigation: { nextPage: { uri: 'p2' } } },
        [`${EXTENSIONS}?page=2&perPage=1000`]: { records: [people[2]], navigation: {} },
      }),
    );
    expect(await resolveChat('late', ctx)).toStrictEqual({ id: '300', label: 'Late' });
    expect((await resolveChat('annika', ctx)).person).toStrictEqual({ id: '3', name: 'Annika Berg' });
    expect(argvs.map((a) => a.slice(2).join(' '))).toEqual([
      '/team-messaging/v1/chats?recordCount=250 -X GET --json',
      '/team-messaging/v1/chats?recordCount=250&pageToken=T2 -X GET --json',
      '/restapi/v1.0/account/~/extension?page=1&perPage=1000 -X GET --json',
      '/restapi/v1.0/account/~/extension?page=2&perPage=1000 -X GET --json',
      '/restapi/v1.0/account/~/extension/~ -X GET --json',
    ]);
  });

  it('stops after 20 pages of chats and 10 of the directory', async () => {
    let chatPages = 0;
    let directoryPages = 0;
    const endless = world({
      [CHATS]: () => ({ records: [{ id: `c${chatPages}`, type: 'Team', name: `C${chatPages++}` }], navigation: { nextPageToken: 'more' } }),
      [EXTENSIONS]: () => ({
        records: [{ id: 10 + directoryPages++, type: 'User', name: 'Zed' }],
        navigation: { nextPage: { uri: 'more' } },
      }),
    });
    await refusal(resolveChat('nobody', scriptedContext(endless).ctx));
    expect([chatPages, directoryPages]).toEqual([40, 20]);
  });
});

describe('team members', () => {
  const exec = toolNamed('ringcentral_create_team').exec as Extract<Exec<JsonObject>, { via: 'either' }>;
  const bodyOf = (members: string[] | undefined, script = world()) =>
    exec.action.input({ name: 'Launch', members }, scriptedContext(script).ctx);

  it('an email or a person id as given, a name as the one person it names', async () => {
    expect(await bodyOf(['ann@x.co', '42', 'Annika', 'cy young'])).toStrictEqual({
      name: 'Launch',
      members: [{ email: 'ann@x.co' }, { id: '42' }, { id: '3' }, { id: '6' }],
    });
    expect(await bodyOf(undefined)).toStrictEqual({ name: 'Launch' });
    expect(await bodyOf(['1'.repeat(19)])).toStrictEqual({ name: 'Launch', members: [{ id: '1'.repeat(19) }] });
    for (const ref of ['1'.repeat(20), 'x42', '42x']) {
      expect((await refusal(bodyOf([ref]))).message, ref).toBe(`member "${ref}": no person of that name`);
    }
  });

  it('a name of several people: ambiguous with up to ten of them; of no one: not_found', async () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ id: 20 + i, type: 'User', name: `Kim ${i}`, contact: { email: `kim${i}@x.co` } }));
    const ambiguous = await refusal(bodyOf(['kim'], world({ [EXTENSIONS]: { records: many } })));
    expect(ambiguous.code).toBe('ambiguous');
    expect(ambiguous.message).toBe('member "kim" matches 12 people; pass one email or id');
    expect(ambiguous.details).toStrictEqual({
      candidates: many.slice(0, 10).map((p) => ({ name: p.name, email: p.contact.email, id: String(p.id) })),
    });
    const nobody = await refusal(bodyOf(['zed']));
    expect(nobody.code).toBe('not_found');
    expect(nobody.message).toBe('member "zed": no person of that name');
    expect(nobody.details).toStrictEqual({ fix: 'find them with ringcentral_list_extensions' });
    // A disabled user is named as the reason nobody matched, and is not taken.
    const staff = [...people, { id: 8, type: 'User', status: 'Disabled', name: 'Zed Old' }];
    const disabled = await refusal(bodyOf(['zed'], world({ [EXTENSIONS]: { records: staff, navigation: {} } })));
    expect(disabled.message).toBe('member "zed": no person of that name (Zed Old: disabled in RingCentral, so not offered)');
  });

  it('the REST route posts the same body; the preview shows members and visibility', async () => {
    const { ctx } = scriptedContext(world());
    const input = { name: 'Launch', description: 'Q3', public: true, members: ['ann@x.co'] };
    expect(await (exec.rest.call as (i: unknown, c: unknown) => unknown)(input, ctx)).toStrictEqual({
      method: 'POST',
      path: '/team-messaging/v1/teams',
      body: { name: 'Launch', description: 'Q3', public: true, members: [{ email: 'ann@x.co' }] },
    });
    const preview = toolNamed('ringcentral_create_team').preview!;
    expect(await preview(input as never, ctx)).toStrictEqual({
      action: 'create team',
      name: 'Launch',
      members: ['ann@x.co'],
      public: true,
    });
    expect((await preview({ name: 'Pair', members: ['annika', '42'] }, ctx)).members).toStrictEqual(['Annika Berg (3)', '42']);
    expect(await preview({ name: 'Solo' }, ctx)).toStrictEqual({
      action: 'create team',
      name: 'Solo',
      members: [],
      public: false,
    });
  });
});

describe('posting to a chat', () => {
  const def = toolNamed('ringcentral_create_chat_post');
  const exec = def.exec as Extract<Exec<JsonObject>, { via: 'either' }>;

  it('the chat resolved from its name, on both routes; the preview names it', async () => {
    const { ctx } = scriptedContext(world());
    expect(await exec.action.input({ chatId: 'design', text: 'hi' }, ctx)).toStrictEqual({ chatId: '100', text: 'hi' });
    expect(
      await exec.rest.call(
        { chatId: 'a b', text: 'hi' },
        scriptedContext(world({ [CHATS]: { records: [{ id: 'a b', type: 'Team' }] } })).ctx,
      ),
    ).toStrictEqual({
      method: 'POST',
      path: '/team-messaging/v1/chats/a%20b/posts',
      body: { text: 'hi' },
    });
    expect(await def.preview!({ chatId: 'design', text: 'hi' }, ctx)).toStrictEqual({
      action: 'post to chat',
      chat: 'Design (100)',
      text: 'hi',
    });
    expect(await def.preview!({ chatId: '555', text: 'hi' }, ctx)).toStrictEqual({
      action: 'post to chat',
      chat: '555',
      text: 'hi',
    });
  });
});

describe('look-ups shared by the calls of a server', () => {
  it('are cached under the names that writes invalidate: chats, extensions, me', async () => {
    const { ctx } = scriptedContext(world());
    await resolveChat('ann@x.co', ctx);
    const cached = (key: string) => ctx.cache.get(key, () => Promise.reject(new Error(`${key} was not cached`)));
    expect(await cached('chats')).toEqual(chats);
    expect(await cached('extensions')).toEqual(people);
    expect(await cached('me')).toBe('1');
    expect(toolNamed('ringcentral_create_team').invalidates).toEqual(['chats']);
  });
});

describe('chats listed with the names of their members', () => {
  const enrich = toolNamed('ringcentral_list_chats').list!.enrich!;

  it('Direct and Group chats name everyone but you; a member not in the directory by id', async () => {
    const { ctx } = scriptedContext(world());
    const group = { id: '102', type: 'Group', members: [{ id: '1' }, { id: '2' }, { id: '6' }, { id: '9' }] };
    const team = { id: '109', type: 'Team', name: 'T', members: [{ id: '2' }] };
    const personal = { id: '110', type: 'Personal', members: [{ id: '1' }] };
    expect(await enrich([chats[1], group, chats[0], { id: '108', type: 'Direct', members: 'x' }, team, personal], ctx)).toStrictEqual([
      { ...chats[1], with: ['Ann Lee'] },
      { ...group, with: ['Ann Lee', '6', '9'] },
      chats[0],
      { id: '108', type: 'Direct', members: 'x' },
      team,
      personal,
    ]);
  });

  it('no people chat: the same list, without any look-up', async () => {
    const { ctx, argvs } = scriptedContext(world());
    const teams = [chats[0], chats[3]];
    expect(await enrich(teams, ctx)).toBe(teams);
    expect(argvs).toEqual([]);
  });

  it('list_chats filters by type on both routes', async () => {
    const exec = toolNamed('ringcentral_list_chats').exec as Extract<Exec<JsonObject>, { via: 'either' }>;
    const { ctx } = scriptedContext({});
    expect(await exec.action.input({ type: 'Team' }, ctx)).toStrictEqual({ type: ['Team'] });
    expect(await exec.action.input({}, ctx)).toStrictEqual({});
    expect(await exec.rest.call({ type: 'Team' }, ctx)).toStrictEqual({
      method: 'GET',
      path: '/team-messaging/v1/chats',
      query: [['type', 'Team']],
    });
  });
});
