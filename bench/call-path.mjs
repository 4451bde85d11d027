/**
 * The modules of our own that one warm call passes through: the server runs in this process on the
 * sandbox, V8's precise coverage counts which functions ran during exactly one call (the warm-up
 * calls before it are not counted), and every built module of `src/` or `tools/` with a function
 * that ran is listed. `node bench/call-path.mjs` prints the table; `--json` prints it as data.
 */
import { Session } from 'node:inspector/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'rcmcp-path-'));
// The server's and the sandbox's private folders (state, secrets) live in the temp dir: keep them ours.
process.env.TMPDIR = home;

const { createServer } = await import('../dist/src/index.js');

/**
 * Starts the server in this process and connects a client to it.
 * @param {Record<string, unknown>} args
 */
async function connect(args) {
  const server = createServer({ sandbox: true, ...args });
  const client = new Client({ name: 'call-path', version: '1' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  /** @type {(name: string, input: Record<string, unknown>) => Promise<Record<string, any>>} */
  const call = async (name, input) => {
    const result = await client.callTool({ name, arguments: input });
    const content = /** @type {Array<{ text?: string }>} */ (result.content);
    if (result.isError) throw new Error(`${name}: ${content.map((c) => c.text).join('\n')}`);
    return /** @type {Record<string, any>} */ (result.structuredContent);
  };
  return { call, close: () => client.close() };
}

/**
 * The modules (relative to dist/) with a function that ran since the last take.
 * @param {Session} session
 */
async function modulesRun(session) {
  const { result } = await session.post('Profiler.takePreciseCoverage');
  const modules = [];
  for (const script of result) {
    if (!script.url.startsWith('file://')) continue;
    const path = fileURLToPath(script.url);
    const own = relative(DIST, path);
    if (own.startsWith('..') || own.startsWith('src/sandbox/')) continue;
    // The first entry is the module's top level, which runs once at import; count functions only.
    const ran = script.functions.slice(1).filter((f) => f.ranges[0]?.count);
    if (ran.length > 0) modules.push({ module: own.replace(/\.js$/, '.ts'), functions: ran.map((f) => f.functionName || '(anonymous)') });
  }
  return modules.sort((a, b) => a.module.localeCompare(b.module));
}

/**
 * Runs `warmUp`, then counts the modules `measured` passes through.
 * @param {Session} session
 * @param {() => Promise<unknown>} warmUp
 * @param {() => Promise<unknown>} measured
 */
async function trace(session, warmUp, measured) {
  await warmUp();
  await session.post('Profiler.takePreciseCoverage');
  await measured();
  return modulesRun(session);
}

async function main() {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
  const server = await connect({});
  try {
    const sms = (/** @type {string} */ text) => ({ to: ['+16505550123'], text });
    /** @type {string} */
    let token = '';
    const sendSms = await trace(
      session,
      async () => {
        const first = await server.call('ringcentral_send_sms', sms('warm-up'));
        await server.call('ringcentral_send_sms', { ...sms('warm-up'), confirmationToken: first.confirmationToken });
        token = (await server.call('ringcentral_send_sms', sms('measured'))).confirmationToken;
      },
      () => server.call('ringcentral_send_sms', { ...sms('measured'), confirmationToken: token }),
    );
    const listMessages = await trace(
      session,
      () => server.call('ringcentral_list_messages', { limit: 5 }),
      () => server.call('ringcentral_list_messages', { limit: 5 }),
    );
    const paths = { 'ringcentral_send_sms (confirmed, warm)': sendSms, 'ringcentral_list_messages (warm)': listMessages };
    if (process.argv.includes('--json')) console.log(JSON.stringify(paths, null, 2));
    else
      for (const [name, modules] of Object.entries(paths)) {
        console.log(`${name}: ${modules.length} modules`);
        for (const m of modules) console.log(`  ${m.module}  ${m.functions.join(', ')}`);
      }
  } finally {
    await server.close();
    session.disconnect();
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
