/**
 * tools/people.ts: numbers as people write them (E.164 in the account's country), names matched
 * the way a person names someone, directory entries and contacts as people, and SMS recipients
 * resolved to exactly one number or refused with the candidates.
 */
import { describe, expect, it } from 'vitest';
import { learnRestBase } from '../../src/membrane/rest-base.js';
import { ToolError } from '../../src/errors.js';
import { colleague, compactPerson, contact, matchName, smsNumberOf, smsRecipients, toE164, type Person } from '../../tools/people.js';
import { refusal } from './caught.js';
import { ME, scriptedContext, type Script } from './scripted-cli.js';

const person = (name: string, more: Partial<Person> = {}): Person => ({
  kind: 'contact',
  name,
  id: name,
  emails: [],
  phones: [],
  parts: name.split(' '),
  ...more,
});
const names = (found: Person[]) => found.map((p) => p.name);

describe('toE164', () => {
  it('a number as people write it, in the account country; E.164 with spaces as it stands', async () => {
    for (const written of ['(650) 555-0123', '650.555.0123', '650 555 0123', '1-650-555-0123', '+1 650 555 0123', '+16505550123']) {
      expect(await toE164(written, 'US', 'to'), written).toBe('+16505550123');
    }
    expect(await toE164('020 7946 0958', 'GB', 'to')).toBe('+442079460958');
    expect(await toE164('+44 20 7946 0958', undefined, 'to')).toBe('+442079460958');
  });

  it('refuses what is no valid number, and a national number when RingCentral named no country', async () => {
    const bad = await refusal(toE164('555-0134', 'US', 'to'));
    expect(bad).toBeInstanceOf(ToolError);
    expect(bad.code).toBe('invalid_input');
    expect(bad.message).toBe('to: "555-0134" is not a valid phone number in US; nothing was sent');
    expect(bad.details.fix).toBe('write the number in E.164: + and the country code, e.g. +16505550123');
    expect((await refusal(toE164('+0123', 'US', 'to'))).message).toBe('to: "+0123" is not a valid phone number; nothing was sent');
    const noCountry = await refusal(toE164('(650) 555-0123', undefined, 'query'));
    expect(noCountry.message).toBe(
      'query: "(650) 555-0123" has no country code, and RingCentral named no home country for your account; nothing was sent',
    );
  });

  it("the account's country is learned with the REST base, from RingCentral's answer", async () => {
    const answer = { ...ME, regionalSettings: { timezone: { name: 'Europe/Oslo' }, homeCountry: { id: '165', isoCode: 'NO' } } };
    expect(await learnRestBase(async () => answer)).toMatchObject({ timeZone: 'Europe/Oslo', country: 'NO' });
    expect((await learnRestBase(async () => ME)).country).toBeUndefined();
    const odd = { ...ME, regionalSettings: { homeCountry: { isoCode: 'Norway' } } };
    expect((await learnRestBase(async () => odd)).country).toBeUndefined();
  });
});

describe('matchName', () => {
  const people = [
    person('Quinn Sato', { emails: ['quinn.sato@example.com'] }),
    person('Quinn Holm', { kind: 'colleague' }),
    person('Casey Sato'),
    person('Quincy Adams'),
  ];

  it('exactly: full name in either order, a first or last name, an email; in any case and spacing', () => {
    expect(names(matchName('Quinn Sato', people))).toEqual(['Quinn Sato']);
    expect(names(matchName('  sato   QUINN ', people))).toEqual(['Quinn Sato']);
    expect(names(matchName('quinn', people))).toEqual(['Quinn Sato', 'Quinn Holm']);
    expect(names(matchName('sato', people))).toEqual(['Quinn Sato', 'Casey Sato']);
    expect(names(matchName('QUINN.SATO@example.com', people))).toEqual(['Quinn Sato']);
  });

  it('failing that, by prefix; nobody for nothing', () => {
    expect(names(matchName('qui', people))).toEqual(['Quinn Sato', 'Quinn Holm', 'Quincy Adams']);
    expect(names(matchName('quinn s', people))).toEqual(['Quinn Sato']);
    expect(names(matchName('quinn.s', people))).toEqual(['Quinn Sato']);
    expect(names(matchName('zed', people))).toEqual([]);
    expect(names(matchName('  ', people))).toEqual([]);
  });
});

describe('people from RingCentral records', () => {
  it("a directory entry: a colleague, with RingCentral's word on SMS per number", () => {
    const entry = {
      id: '2091678004',
      type: 'User',
      firstName: 'Quinn',
      lastName: 'Holm',
      extensionNumber: '117',
      email: 'quinn.holm@example.com',
      phoneNumbers: [
        { phoneNumber: '+14045550163', usageType: 'DirectNumber', smsAvailabilityStatus: 'Active' },
        { phoneNumber: '+14045550164', e164: '+14045550164', usageType: 'MobileNumber', smsAvailabilityStatus: 'Inactive' },
        { phoneNumber: '+1404555XXXX', usageType: 'DirectNumber' },
        { phoneNumber: '+14045550165', usageType: 'ConferencingNumber' },
      ],
    };
    const p = colleague(entry);
    expect(compactPerson(p)).toStrictEqual({
      kind: 'colleague',
      name: 'Quinn Holm',
      id: '2091678004',
      ext: '117',
      email: 'quinn.holm@example.com',
      numbers: { '+14045550163': 'direct, SMS', '+14045550164': 'mobile, no SMS', '+14045550165': 'phone' },
    });
    expect(smsNumberOf(p)?.number).toBe('+14045550163');
    // A number RingCentral says cannot take SMS is never chosen; one it says nothing of may be.
    expect(smsNumberOf(colleague({ ...entry, phoneNumbers: entry.phoneNumbers.slice(1, 2) }))).toBeUndefined();
    expect(smsNumberOf(colleague({ ...entry, phoneNumbers: entry.phoneNumbers.slice(3) }))?.number).toBe('+14045550165');
    expect(colleague({ id: 7, name: 'Lobby Phone' })).toMatchObject({ name: 'Lobby Phone', id: '7', parts: [] });
  });

  it('a personal contact: the mobile first for a text, never a fax', () => {
    const record = {
      id: 640136004,
      firstName: 'Quinn',
      lastName: 'Sato',
      company: 'Summit',
      email: 'quinn.sato@example.com',
      email2: 'q@home.example',
      businessPhone: '+14085550186',
      mobilePhone: '+14045550134',
      businessFax: '+14085550100',
    };
    const p = contact(record);
    expect(compactPerson(p)).toStrictEqual({
      kind: 'contact',
      name: 'Quinn Sato',
      id: '640136004',
      company: 'Summit',
      email: 'quinn.sato@example.com',
      numbers: { '+14045550134': 'mobile', '+14085550186': 'business', '+14085550100': 'fax' },
    });
    expect(p.emails).toEqual(['quinn.sato@example.com', 'q@home.example']);
    expect(smsNumberOf(p)?.number).toBe('+14045550134');
    expect(smsNumberOf(contact({ id: 1, company: 'Acme', businessPhone: '+14085550186' }))).toMatchObject({ label: 'business' });
    expect(smsNumberOf(contact({ id: 2, company: 'Fax Only', businessFax: '+14085550100' }))).toBeUndefined();
    expect(contact({ id: 3, email: 'x@y.co' }).name).toBe('x@y.co');
  });
});

const SEARCH = 'POST /restapi/v1.0/account/~/directory/entries/search';
const CONTACTS = 'GET /restapi/v1.0/account/~/extension/~/address-book/contact';
const SENDERS = 'GET /restapi/v1.0/account/~/extension/~/phone-number';
const quinnHolm = {
  id: '20',
  firstName: 'Quinn',
  lastName: 'Holm',
  email: 'quinn.holm@x.co',
  phoneNumbers: [{ phoneNumber: '+14045550163', usageType: 'DirectNumber', smsAvailabilityStatus: 'Active' }],
};
const quinnSato = { id: 30, firstName: 'Quinn', lastName: 'Sato', email: 'quinn.sato@x.co', mobilePhone: '+14045550134' };
const world = (directory: unknown[], contacts: unknown[], more: Script['rest'] = {}): Script => ({
  rest: {
    [SEARCH]: { records: directory, paging: { page: 1, perPage: 200 } },
    [CONTACTS]: { records: contacts, navigation: {}, paging: { page: 1 } },
    'GET /restapi/v1.0/account/~': { id: 1, regionalSettings: { homeCountry: { isoCode: 'US' } } },
    [SENDERS]: { records: [{ phoneNumber: '+16505550101', features: ['SmsSender'] }] },
    ...more,
  },
});
const argOf = (argv: string[], flag: string) => argv[argv.indexOf(flag) + 1];

describe('smsRecipients', () => {
  it('a name: asks the directory for its most telling word (users, enabled) and the address book by that word', async () => {
    const { ctx, argvs } = scriptedContext(world([quinnHolm], [quinnSato]));
    expect(await smsRecipients(['Quinn Sato'], ctx)).toStrictEqual([{ number: '+14045550134', shown: 'Quinn Sato +14045550134 (mobile)' }]);
    const search = argvs.find((a) => a[2].endsWith('/directory/entries/search'))!;
    expect(JSON.parse(argOf(search, '-d'))).toStrictEqual({
      searchString: 'quinn',
      searchFields: ['firstName', 'lastName', 'email'],
      extensionTypes: ['User'],
      extensionStatuses: ['Enabled'],
      page: 1,
      perPage: 200,
    });
    expect(argvs.some((a) => a[2].startsWith('/restapi/v1.0/account/~/extension/~/address-book/contact?startsWith=quinn'))).toBe(true);
  });

  it('numbers as written, in the account country (from the account when the extension names none)', async () => {
    const { ctx } = scriptedContext(world([], []));
    expect(await smsRecipients(['+16505550123', '(650) 555-0124'], ctx)).toStrictEqual([
      { number: '+16505550123', shown: '+16505550123' },
      { number: '+16505550124', shown: '+16505550124' },
    ]);
  });

  it('a colleague and a contact with the one number are one recipient', async () => {
    const same = { ...quinnSato, id: 31, firstName: 'Quinn', lastName: 'Holm', mobilePhone: '+14045550163' };
    const { ctx } = scriptedContext(world([quinnHolm], [same]));
    expect((await smsRecipients(['quinn holm'], ctx))[0].number).toBe('+14045550163');
  });

  it('several people, nobody, no number for SMS, or one number twice: invalid_input with the candidates', async () => {
    const several = await refusal(smsRecipients(['quinn'], scriptedContext(world([quinnHolm], [quinnSato])).ctx));
    expect(several.code).toBe('invalid_input');
    expect(several.message).toBe('to: "quinn" matches 2 people; nothing was sent');
    expect(several.details).toStrictEqual({
      fix: 'pass one of the candidates by full name or number, or look the person up with ringcentral_find_people',
      candidates: [
        { name: 'Quinn Holm', kind: 'colleague', email: 'quinn.holm@x.co', smsTo: '+14045550163' },
        { name: 'Quinn Sato', kind: 'contact', email: 'quinn.sato@x.co', smsTo: '+14045550134' },
      ],
    });
    const nobody = await refusal(smsRecipients(['Zed'], scriptedContext(world([quinnHolm], [quinnSato])).ctx));
    expect(nobody.message).toBe('to: no colleague or contact matches "Zed"; nothing was sent');
    const noSms = { ...quinnHolm, phoneNumbers: [{ phoneNumber: '+14045550163', smsAvailabilityStatus: 'Banned' }] };
    const cannot = await refusal(smsRecipients(['Quinn Holm'], scriptedContext(world([noSms], [])).ctx));
    expect(cannot.message).toBe('to: "Quinn Holm" has no number that can take SMS; nothing was sent');
    expect(cannot.details.candidates).toStrictEqual([{ name: 'Quinn Holm', kind: 'colleague', email: 'quinn.holm@x.co' }]);
    const twice = await refusal(smsRecipients(['Quinn Sato', '+1 404 555 0134'], scriptedContext(world([], [quinnSato])).ctx));
    expect(twice.message).toBe('to: "Quinn Sato" and "+1 404 555 0134" are the same number, +14045550134; nothing was sent');
  });

  it('a directory that matched more people than one page holds: refused, since one match may not be the only one', async () => {
    const crowded = world([quinnHolm], [], { [SEARCH]: { records: [quinnHolm], paging: { page: 1, perPage: 200, totalPages: 2 } } });
    const partial = await refusal(smsRecipients(['Quinn Holm'], scriptedContext(crowded).ctx));
    expect(partial.message).toBe('to: the company directory holds more than 200 people matching "quinn"; nothing was sent');
    expect(partial.details.fix).toBe('give the full name or the email');
  });

  it('a name is looked up once for the preview, the token and the send', async () => {
    const { ctx, argvs } = scriptedContext(world([quinnHolm], [quinnSato]));
    await smsRecipients(['Quinn Sato'], ctx);
    const after = argvs.length;
    await smsRecipients(['quinn sato'], ctx);
    expect(argvs.length).toBe(after);
  });
});
