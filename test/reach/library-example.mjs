// Use the RingCentral tools in-process from your own agent, without MCP.
// Runs on the bundled sandbox account; drop `sandbox: true` to use your `membrane` login.
import { createServer, tools } from 'ringcentral-mcp';

const options = { sandbox: true };
const tool = (name) => tools.find((t) => t.name === name);

// 1. Hand the tools to your framework: name, description, JSON Schema (or zod: t.inputSchema).
const specs = tools.map((t) => ({ name: t.name, description: t.description, parameters: t.jsonSchema.input }));
console.log(`${specs.length} tools, ${tools.filter((t) => t.kind === 'read').length} read-only`);

// 2. Run a read tool: the same validation and compact, paged output as over MCP.
const contacts = await tool('ringcentral_list_contacts').run({ limit: 3 }, options);
console.log(contacts.ok, contacts.data.records.map((c) => c.card).join(' | '));
console.log('more:', Boolean(contacts.data.nextCursor)); // pass back as { cursor } for the next page

// 3. An irreversible call first returns a preview and a token. Show the preview to the person;
//    only after their yes, run it again with the same arguments plus the token.
const sms = { to: ['+16505550123'], text: 'Running 10 minutes late, sorry!' };
const pending = await tool('ringcentral_send_sms').run(sms, options);
console.log(pending.data.status, pending.data.preview);
const sent = await tool('ringcentral_send_sms').run({ ...sms, confirmationToken: pending.data.confirmationToken }, options);
console.log(sent.data.status, sent.data.result.messageStatus);

// 4. Errors come back as data, with a fix, instead of throwing.
const missing = await tool('ringcentral_get_contact').run({ contactId: '1' }, options);
console.log(missing.ok, missing.data.error.code);

// 5. Or serve MCP yourself, on any transport of the MCP SDK: server.connect(transport).
const server = createServer({ ...options, readOnly: true });
console.log(server.isConnected());
