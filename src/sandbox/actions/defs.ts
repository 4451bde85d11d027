// Schema building blocks shared by the action catalog.
import type { Schema } from './schema.js';

export const str = (description: string, extra: Partial<Schema> = {}): Schema => ({ type: 'string', description, ...extra });
export const int = (description: string, extra: Partial<Schema> = {}): Schema => ({ type: 'integer', description, ...extra });
export const bool = (description: string): Schema => ({ type: 'boolean', description });
export const strList = (description: string, values?: string[]): Schema => ({
  type: 'array',
  description,
  items: values ? { type: 'string', enum: values, description: `One of ${values.join(', ')}` } : { type: 'string', description: 'A value' },
});
export const obj = (description: string, properties: Record<string, Schema>, required?: string[], closed = true): Schema => ({
  type: 'object',
  description,
  properties,
  ...(required?.length ? { required } : {}),
  ...(closed ? { additionalProperties: false } : {}),
});

export const extensionId = str(
  'Internal id of the extension (a number as a string, not the short extension number); "~" (the default) means the current user',
  { minLength: 1, default: '~' },
);
export const page = int('Page number, 1-based (default 1)', { minimum: 1 });
export const perPage = int('Records per page (default 100, at most 1000)', { minimum: 1 });
export const dateFrom = str('Start of the time window, ISO 8601 (e.g. 2026-01-31T00:00:00Z); defaults to dateTo minus 24 hours', {
  format: 'date-time',
});
export const dateTo = str('End of the time window, ISO 8601; defaults to now', { format: 'date-time' });

export const address = (what: string): Schema =>
  obj(`${what} address`, {
    street: str('Street address'),
    city: str('City'),
    state: str('State or province'),
    zip: str('ZIP or postal code'),
    country: str('Country'),
  });

const phone = (what: string) => str(`${what}, E.164 with "+" (e.g. +16505550123)`);
export const contactFields: Record<string, Schema> = {
  firstName: str('First name'),
  lastName: str('Last name'),
  middleName: str('Middle name'),
  nickName: str('Nickname'),
  company: str('Company name'),
  jobTitle: str('Job title'),
  email: str('Primary email address'),
  email2: str('Second email address'),
  email3: str('Third email address'),
  webPage: str('Web page URL'),
  notes: str('Free-text notes'),
  birthday: str('Birthday, ISO 8601 date-time', { format: 'date-time' }),
  ringtoneIndex: str('Ringtone index'),
  appInfo: str('Application data, at most 64 characters'),
  homePhone: phone('Home phone'),
  homePhone2: phone('Second home phone'),
  businessPhone: phone('Business phone'),
  businessPhone2: phone('Second business phone'),
  mobilePhone: phone('Mobile phone'),
  businessFax: phone('Business fax'),
  companyPhone: phone('Company phone'),
  assistantPhone: phone("Assistant's phone"),
  carPhone: phone('Car phone'),
  otherPhone: phone('Other phone'),
  otherFax: phone('Other fax'),
  callbackPhone: phone('Callback phone'),
  homeAddress: address('Home'),
  businessAddress: address('Business'),
  otherAddress: address('Other'),
};

export const pagingA: Schema = obj(
  'Enumerated paging information',
  {
    page: int('Current page'),
    totalPages: int('Total pages'),
    perPage: int('Records per page'),
    totalElements: int('Total records'),
    pageStart: int('Zero-based index of the first record on this page'),
    pageEnd: int('Zero-based index of the last record on this page'),
  },
  [],
  false,
);
export const navigationA: Schema = obj(
  'Links to other pages (nextPage/previousPage are absent at the ends)',
  {
    firstPage: obj('First page', { uri: str('URI') }, [], false),
    nextPage: obj('Next page', { uri: str('URI') }, [], false),
    previousPage: obj('Previous page', { uri: str('URI') }, [], false),
    lastPage: obj('Last page', { uri: str('URI') }, [], false),
  },
  [],
  false,
);

export const listOutput = (what: string, record: Schema): Schema =>
  obj(
    `A page of ${what} (RingCentral enumerated paging)`,
    {
      uri: str('Canonical URI of this page'),
      records: { type: 'array', description: `The ${what}`, items: record },
      paging: pagingA,
      navigation: navigationA,
    },
    ['records'],
    false,
  );

export const record = (description: string, properties: Record<string, Schema>): Schema => obj(description, properties, [], false);
