/** Account and extensions: who is in the company, who am I, and is the connection working. */
import { z } from 'zod';
import { checkStatus } from '../src/status.js';
import { asArray, compactObject, defineTool, email, extensionId, oneOf, type Record_ } from './define.js';

const EXTENSION_TYPES = ['User', 'Department', 'IvrMenu', 'Announcement', 'Voicemail', 'SharedLinesGroup', 'ParkLocation', 'Limited', 'Site'] as const;
const EXTENSION_STATUS = ['Enabled', 'Disabled', 'Frozen', 'NotActivated', 'Unassigned'] as const;

const compactExtension = (r: Record_) => {
  const contact = (r.contact ?? {}) as Record_;
  return compactObject({ id: r.id, extensionNumber: r.extensionNumber, name: r.name, type: r.type, status: r.status, email: contact.email });
};

export const accountTools = [
  defineTool({
    name: 'ringcentral_list_extensions',
    title: 'List extensions',
    description: 'Company directory: users, departments (call queues), IVRs; a colleague\'s extension id, number, email.',
    toolset: 'account',
    kind: 'read',
    action: 'list-extensions',
    list: { paging: 'page', compact: compactExtension },
    input: {
      type: oneOf(EXTENSION_TYPES),
      status: oneOf(EXTENSION_STATUS),
      extensionNumber: z.string().regex(/^\d{1,8}$/, 'must be the short extension number (digits)').describe('e.g. 101').optional(),
      email: email.optional(),
    },
    actionInput: (i) => compactObject({ type: asArray(i.type), status: asArray(i.status), extensionNumber: i.extensionNumber, email: i.email }),
  }),
  defineTool({
    name: 'ringcentral_get_extension_info',
    title: 'Get extension',
    description: 'One extension (default: you): name, number, contact, settings, permissions.',
    toolset: 'account',
    kind: 'read',
    action: 'get-extension-info',
    input: { extensionId },
    actionInput: (i) => ({ extensionId: i.extensionId ?? '~' }),
  }),
  defineTool({
    name: 'ringcentral_get_account_info',
    title: 'Get account',
    description: 'The company account: id, main number, status, plan, regional settings.',
    toolset: 'account',
    kind: 'read',
    action: 'get-account-info',
    input: {},
    actionInput: () => ({}),
  }),
  defineTool({
    name: 'ringcentral_status',
    title: 'Connection status',
    description: 'Checks Membrane CLI, login and the RingCentral connection; each problem with its fix. Call when tools fail.',
    toolset: 'account',
    kind: 'read',
    input: {},
    output: z.looseObject({ ready: z.boolean(), problems: z.array(z.looseObject({ problem: z.string(), fix: z.string() })) }),
    run: async (_input, ctx) => ({ ...(await checkStatus(ctx.membrane, ctx.pinnedConnectionId, ctx.run)) }),
  }),
];
