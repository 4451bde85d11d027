/** Account and extensions: who is in the company, who am I, and is the connection working. */
import { z } from 'zod';
import { defineTool, type JsonObject } from './contract.js';
import { email, extensionId, namedValue, oneOf } from './fields.js';
import { asArray, compactObject } from './format.js';
import { extensionPath, query } from './rest.js';

const EXTENSION_TYPES = [
  'User',
  'Department',
  'IvrMenu',
  'Announcement',
  'Voicemail',
  'SharedLinesGroup',
  'ParkLocation',
  'Limited',
  'Site',
] as const;
const EXTENSION_STATUS = ['Enabled', 'Disabled', 'Frozen', 'NotActivated', 'Unassigned'] as const;

const compactExtension = (r: JsonObject) => {
  const contact = (r.contact ?? {}) as JsonObject;
  return compactObject({
    id: r.id,
    extensionNumber: r.extensionNumber,
    name: r.name,
    type: r.type,
    status: r.status,
    email: contact.email,
  });
};

export const listExtensions = defineTool({
  name: 'ringcentral_list_extensions',
  title: 'List extensions',
  description: 'Company directory: users, call queues, IVRs.',
  toolset: 'account',
  kind: 'read',
  list: { paging: 'page', compact: compactExtension },
  input: {
    // The description names the common types; the error, every one.
    type: namedValue(EXTENSION_TYPES).describe('User, Department (queue), ...').optional(),
    status: oneOf(EXTENSION_STATUS),
    extensionNumber: z
      .string()
      .regex(/^\d{1,8}$/, 'must be the short extension number (digits)')
      .optional(),
    email: email.optional(),
  },
  exec: {
    via: 'either',
    action: {
      key: 'list-extensions',
      sends: ['type', 'status', 'extensionNumber', 'email'],
      input: (i) => compactObject({ type: asArray(i.type), status: asArray(i.status), extensionNumber: i.extensionNumber, email: i.email }),
    },
    rest: {
      group: 'Medium',
      call: (i) => ({
        method: 'GET',
        path: '/restapi/v1.0/account/~/extension',
        query: query({ type: asArray(i.type), status: asArray(i.status), extensionNumber: i.extensionNumber, email: i.email }),
      }),
    },
  },
});

export const getExtensionInfo = defineTool({
  name: 'ringcentral_get_extension_info',
  title: 'Get extension',
  description: 'One extension (default: you): number, contact.',
  toolset: 'account',
  kind: 'read',
  input: { extensionId },
  exec: {
    via: 'either',
    action: {
      key: 'get-extension-info',
      sends: ['extensionId'],
      input: (i) => compactObject({ extensionId: i.extensionId }),
      defaults: { extensionId: '~' },
    },
    rest: { group: 'Light', call: (i) => ({ method: 'GET', path: extensionPath(i.extensionId) }) },
  },
});

export const accountTools = [
  listExtensions,
  getExtensionInfo,
  defineTool({
    name: 'ringcentral_get_account_info',
    title: 'Get account',
    description: 'Company account: main number, plan, settings.',
    toolset: 'account',
    kind: 'read',
    input: {},
    exec: {
      via: 'either',
      action: { key: 'get-account-info', sends: [], input: () => ({}) },
      rest: { group: 'Light', call: () => ({ method: 'GET', path: '/restapi/v1.0/account/~' }) },
    },
  }),
  defineTool({
    name: 'ringcentral_status',
    title: 'Connection status',
    description: 'CLI, login, connection and route checks with fixes. Call when tools fail.',
    toolset: 'account',
    kind: 'read',
    input: {},
    output: z.looseObject({ ready: z.boolean(), problems: z.array(z.looseObject({ problem: z.string(), fix: z.string() })) }),
    exec: {
      via: 'custom',
      run: (_input, ctx) => ctx.status(),
    },
  }),
];
