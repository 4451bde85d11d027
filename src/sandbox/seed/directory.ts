// Account, extensions, the current user's phone numbers and the personal address book.
import { PLATFORM } from '../hosts.js';
import type { Account, Contact, Extension, PhoneNumber } from '../model.js';
import { DAY, SeedCtx } from './context.js';
import { COMPANIES, DEPARTMENTS, FIRST, JOBS, LAST, STREETS, AREAS } from './names.js';

export const COMPANY = 'Sandbox Outfitters Inc.';

export function accountUri(accountId: number): string {
  return `${PLATFORM}/restapi/v1.0/account/${accountId}`;
}
export function extUri(accountId: number, extId: number): string {
  return `${accountUri(accountId)}/extension/${extId}`;
}

export function seedAccount(ctx: SeedCtx): Account {
  const acc = accountUri(ctx.accountId);
  return {
    uri: acc,
    id: ctx.accountId,
    bsid: 'sbx' + ctx.accountId,
    mainNumber: ctx.own(0),
    operator: { uri: `${acc}/extension/${ctx.extId}`, id: ctx.extId, extensionNumber: '101' },
    partnerId: '',
    serviceInfo: {
      uri: `${acc}/service-info`,
      brand: { id: '1210', name: 'RingCentral Sandbox', homeCountry: { id: '1', isoCode: 'US', name: 'United States' } },
      servicePlan: { id: '9999', name: 'Sandbox Advanced', edition: 'Advanced' },
      billingPlan: { id: '9998', name: 'Monthly', durationUnit: 'Month', duration: 1, type: 'Regular' },
      contractedCountry: { id: '1', isoCode: 'US', name: 'United States' },
      uBrand: { id: '1210', name: 'RingCentral Sandbox' },
    },
    setupWizardState: 'Completed',
    status: 'Confirmed',
    signupInfo: { tosAccepted: true, signupState: ['AccountConfirmed'] },
    regionalSettings: {
      homeCountry: { id: '1', isoCode: 'US', name: 'United States' },
      timezone: { id: '58', name: 'US/Pacific', description: 'Pacific Time (US & Canada)', bias: '-480' },
      language: { id: '1033', localeCode: 'en-US', name: 'English (United States)' },
      greetingLanguage: { id: '1033', localeCode: 'en-US', name: 'English (United States)' },
      formattingLocale: { id: '1033', localeCode: 'en-US', name: 'English (United States)' },
      currency: { id: 1, code: 'USD', name: 'Dollar', symbol: '$' },
      timeFormat: '12h',
    },
    federated: false,
    outboundCallPrefix: 0,
    cfid: 'sbx-' + ctx.accountId,
    limits: { freeSoftPhoneLinesPerExtension: 1, meetingSize: 100, maxMonitoredExtensionsPerUser: 100, maxExtensionNumberLength: 5 },
  };
}

/** The current user's numbers: two SMS senders, a fax-only number and the company main number. */
export function seedPhoneNumbers(ctx: SeedCtx): PhoneNumber[] {
  const base = 3_720_000_004;
  return [
    {
      id: base,
      phoneNumber: ctx.own(1),
      usageType: 'DirectNumber',
      type: 'VoiceFax',
      paymentType: 'Local',
      primary: true,
      label: 'Direct',
      features: ['SmsSender', 'MmsSender', 'InternationalSmsSender', 'CallerId'],
    },
    {
      id: base + 1000,
      phoneNumber: ctx.own(2),
      usageType: 'DirectNumber',
      type: 'VoiceFax',
      paymentType: 'Local',
      label: 'Second line',
      features: ['SmsSender', 'MmsSender', 'CallerId'],
    },
    {
      id: base + 2000,
      phoneNumber: ctx.own(9),
      usageType: 'DirectNumber',
      type: 'FaxOnly',
      paymentType: 'Local',
      label: 'Fax',
      features: [],
    },
    {
      id: base + 3000,
      phoneNumber: ctx.own(0),
      usageType: 'MainCompanyNumber',
      type: 'VoiceFax',
      paymentType: 'Local',
      label: 'Company',
      features: ['CallerId'],
    },
  ];
}

interface Person {
  first: string;
  last: string;
}

/** Unique first/last pairs shared by extensions and contacts so no two people collide. */
export function people(ctx: SeedCtx, n: number): Person[] {
  const seen = new Set<string>([`${ctx.profile.first} ${ctx.profile.last}`]);
  const out: Person[] = [];
  while (out.length < n) {
    const p = { first: ctx.rng.pick(FIRST), last: ctx.rng.pick(LAST) };
    const k = `${p.first} ${p.last}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(p);
    }
  }
  return out;
}

export function seedExtensions(ctx: SeedCtx, persons: Person[]): Extension[] {
  const { rng } = ctx;
  const exts: Extension[] = [];
  let nextId = ctx.extId;
  const mk = (
    num: string,
    name: string,
    type: Extension['type'],
    contact: Extension['contact'],
    extra: Partial<Extension> = {},
  ): Extension => {
    const id = nextId;
    nextId += rng.int(1, 40) * 1000;
    const r: Extension = {
      uri: '',
      id,
      extensionNumber: num,
      contact,
      name,
      type,
      status: 'Enabled',
      permissions: { admin: { enabled: false }, internationalCalling: { enabled: false } },
      profileImage: { uri: '' },
      hidden: false,
      creationTime: ctx.ago(rng.int(120, 900) * DAY),
      ...extra,
    };
    r.uri = extUri(ctx.accountId, id);
    r.profileImage.uri = `${r.uri}/profile-image`;
    exts.push(r);
    return r;
  };
  const { first, last } = ctx.profile;
  const me = mk('101', `${first} ${last}`, 'User', {
    firstName: first,
    lastName: last,
    company: COMPANY,
    jobTitle: 'Office Manager',
    email: `${first}.${last}@example.com`.toLowerCase(),
    businessPhone: ctx.own(1),
    mobilePhone: ctx.own(11),
    department: 'Operations',
    emailAsLoginName: true,
    pronouncedName: { type: 'Default' },
  });
  me.permissions = { admin: { enabled: true }, internationalCalling: { enabled: true } };
  for (let i = 0; i < 18; i++) {
    const p = persons[i];
    const u = mk(String(102 + i), `${p.first} ${p.last}`, 'User', {
      firstName: p.first,
      lastName: p.last,
      company: COMPANY,
      jobTitle: rng.pick(JOBS),
      email: `${p.first}.${p.last}@example.com`.toLowerCase(),
      businessPhone: ctx.phone(),
      department: rng.pick(DEPARTMENTS),
      emailAsLoginName: true,
      pronouncedName: { type: 'Default' },
    });
    if (i === 16) {
      u.status = 'Disabled';
      u.statusInfo = { reason: 'Voluntarily', comment: 'Left the company' };
    }
    if (i === 17) u.status = 'NotActivated';
  }
  const queue = (num: string, name: string, email: string) =>
    mk(num, name, 'Department', { firstName: name, company: COMPANY, email, businessPhone: ctx.phone() }, { subType: 'Unknown' });
  queue('801', 'Sales Queue', 'sales@example.com');
  queue('802', 'Support Queue', 'support@example.com');
  mk('901', 'Main Menu', 'IvrMenu', { firstName: 'Main Menu', company: COMPANY });
  mk('902', 'After Hours Announcement', 'Announcement', { firstName: 'After Hours Announcement', company: COMPANY });
  mk('903', 'General Voicemail', 'Voicemail', { firstName: 'General Voicemail', company: COMPANY, email: 'voicemail@example.com' });
  mk('904', 'Front Desk Fax', 'FaxUser', { firstName: 'Front Desk', lastName: 'Fax', company: COMPANY, email: 'fax@example.com' });
  return exts;
}

export function seedContacts(ctx: SeedCtx, persons: Person[]): Contact[] {
  const { rng } = ctx;
  const out: Contact[] = [];
  let id = 640_102_004;
  for (const p of persons) {
    const c: Contact = { uri: '', id, availability: 'Alive', firstName: p.first, lastName: p.last };
    if (rng.chance(0.85)) {
      c.company = rng.pick(COMPANIES);
      c.jobTitle = rng.pick(JOBS);
    }
    c.email = `${p.first}.${p.last}@example.com`.toLowerCase();
    if (rng.chance(0.9)) c.mobilePhone = ctx.phone();
    if (rng.chance(0.5)) c.businessPhone = ctx.phone();
    if (rng.chance(0.15)) c.homePhone = ctx.phone();
    if (rng.chance(0.45)) {
      const [, city, state] = rng.pick(AREAS);
      c.businessAddress = {
        street: `${rng.int(10, 999)} ${rng.pick(STREETS)}`,
        city,
        state,
        zip: String(rng.int(10000, 99999)),
        country: 'US',
      };
    }
    if (rng.chance(0.2)) c.notes = 'Prefers text messages over calls.';
    if (rng.chance(0.15)) c.birthday = new Date(Date.UTC(rng.int(1960, 2000), rng.int(0, 11), rng.int(1, 28))).toISOString();
    c.uri = `${extUri(ctx.accountId, ctx.extId)}/address-book/contact/${id}`;
    out.push(c);
    id += rng.int(1, 9) * 1000;
  }
  return out;
}
