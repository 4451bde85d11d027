#!/usr/bin/env node
/**
 * `npm run bench`: what the server costs, measured against the sandbox CLI, with each figure the
 * median of several runs and each comparison's baseline measured in the same run (interleaved).
 * Prints markdown tables and writes them to bench/latest.md and README (Performance, Token
 * economy). `--quick` runs fewer rounds and writes nothing. Not part of `npm test`.
 *
 * Figures: cold start vs a one-tool SDK server; warm call latency through MCP vs the same CLI
 * command run directly and CLI processes per warm call, on the action and the REST route; 16
 * concurrent calls against a 300 ms CLI; server RSS idle and after 2,000 calls; SMS sends per
 * second through two HTTP instances sharing Redis vs one instance on its own files; tools/list
 * size; compact vs raw list size; the largest
 * result any tool gives with default settings.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
/** @import { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js' */
/** @typedef {CallToolResult & { structuredContent?: any }} ToolResult structuredContent is each tool's own shape */

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist/src/cli.js');
const SANDBOX = join(ROOT, 'dist/src/sandbox/bin.js');
const MINIMAL = join(ROOT, 'bench/minimal-server.mjs');
const CONNECTION = 'con_sbx_ringcentral';
const BUDGET = 20_000;
const MAX_CONCURRENCY = 4;
const run = promisify(execFile);

const quick = process.argv.includes('--quick');
const N = {
  cold: quick ? 3 : 9,
  warm: quick ? 10 : 40,
  single: quick ? 3 : 5,
  burst: quick ? 2 : 5,
  shared: quick ? 1 : 3,
  rssCalls: quick ? 200 : 2000,
};

/** @param {number[]} values */
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
/** @param {number} value */
const ms = (value) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;
/** @param {number} value */
const ratio = (value) => value.toFixed(2);
/** @param {number} kb */
const mb = (kb) => `${(kb / 1024).toFixed(1)} MB`;
/** @param {number | null} pid */
const rssKb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
/** @param {string} message */
const log = (message) => process.stderr.write(`bench: ${message}\n`);

/** @type {string[]} */
const dirs = [];
/** @typedef {ReturnType<typeof sandbox>} Sandbox */
/** @param {Record<string, string>} [extra] */
function sandbox(extra = {}) {
  const dir = mkdtempSync(join(os.tmpdir(), 'rcmcp-bench-'));
  dirs.push(dir);
  const logPath = join(dir, 'spawns.log');
  const faultFile = join(dir, 'faults');
  return {
    env: {
      MEMBRANE_SANDBOX_STATE: join(dir, 'state.json'),
      MEMBRANE_SANDBOX_LOG: logPath,
      MEMBRANE_SANDBOX_FAULT_FILE: faultFile,
      ...extra,
    },
    spawns: () =>
      existsSync(logPath)
        ? readFileSync(logPath, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l))
        : [],
    /** @param {string} fault */
    setFault: (fault) => writeFileSync(faultFile, fault),
  };
}

/**
 * @param {Sandbox} box
 * @param {readonly string[]} [args]
 */
async function connect(box, args = []) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, '--sandbox', '--no-warmup', ...args],
    env: { ...getDefaultEnvironment(), ...box.env },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'ringcentral-mcp-bench', version: '1.0.0' });
  await client.connect(transport);
  /**
   * @param {string} name
   * @param {Record<string, unknown>} [args]
   */
  const call = async (name, args = {}) => {
    const result = /** @type {ToolResult} */ (await client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 }));
    return { result, text: result.content.map((c) => ('text' in c ? c.text : '')).join('\n') };
  };
  return { client, call, pid: transport.pid, close: () => client.close() };
}

/**
 * Spawn to `tools/list` answered, the way a client starts a server: initialize, initialized, tools/list.
 * @param {string[]} args
 * @param {Record<string, string>} env
 * @returns {Promise<number>}
 */
function coldStart(args, env) {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env: { ...getDefaultEnvironment(), ...env }, stdio: ['pipe', 'pipe', 'ignore'] });
    let buffer = '';
    /** @type {number | undefined} */
    let elapsed;
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      let index;
      while ((index = buffer.indexOf('\n')) >= 0) {
        const message = JSON.parse(buffer.slice(0, index));
        buffer = buffer.slice(index + 1);
        if (message.id === 1) {
          child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
          child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' })}\n`);
        } else if (message.id === 2) {
          if (!message.result?.tools?.length) reject(new Error('tools/list answered without tools'));
          elapsed = performance.now() - started;
          child.stdin.end();
        }
      }
    });
    child.on('exit', () =>
      elapsed === undefined ? reject(new Error(`${args.join(' ')} exited before answering`)) : resolvePromise(elapsed),
    );
    child.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } })}\n`,
    );
  });
}

/**
 * @param {number} count
 * @param {number} concurrency
 * @param {(index: number) => Promise<void>} task
 */
async function pool(count, concurrency, task) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** @typedef {{ metric: string, value: string, baseline: string, ratio: string, goal: string, met: string }} Row */
/** @type {{ performance: Row[], tokens: Row[] }} */
const rows = { performance: [], tokens: [] };
/** @type {keyof typeof rows} */
let section = 'performance';
/**
 * @param {string} metric
 * @param {string} value
 */
const row = (metric, value, baseline = '', r = '', goal = '', met = '') =>
  rows[section].push({ metric, value, baseline, ratio: r, goal, met });
/** @param {boolean} ok */
const verdict = (ok) => (ok ? 'yes' : 'NO');

async function main() {
  const cpus = os.cpus();
  const machine = `${os.type()} ${os.release()} (${os.arch()}), ${cpus[0]?.model?.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM, Node ${process.version}, load average ${os.loadavg()[0].toFixed(1)} at start (absolute times grow with load; the ratios compare runs made side by side)`;
  log(machine);

  // 1. Cold start, interleaved with the one-tool SDK server.
  {
    const box = sandbox();
    const ours = [];
    const minimal = [];
    for (let i = 0; i < N.cold; i++) {
      ours.push(await coldStart([CLI, '--sandbox', '--no-warmup'], box.env));
      minimal.push(await coldStart([MINIMAL], {}));
    }
    const r = median(ours) / median(minimal);
    row('Cold start: spawn to `tools/list` answered', ms(median(ours)), `${ms(median(minimal))} (one-tool SDK server)`, ratio(r), '', '');
    log(`cold start ${ms(median(ours))} vs ${ms(median(minimal))}`);
  }

  // 2 + 3. Warm call latency vs the same CLI command run directly; processes per warm call; on
  // both routes (auto takes the action on the default sandbox; --route rest takes `membrane request`).
  for (const [route, args, command, workflow] of /** @type {const} */ ([
    ['action route', [], 'action run', '3 (documented workflow: connection list, action list, action run)'],
    ['REST route', ['--route', 'rest'], 'request', '2 (documented workflow: connection list, request)'],
  ])) {
    const box = sandbox();
    const server = await connect(box, args);
    await server.call('ringcentral_get_account_info'); // resolves the connection, action ids and routes
    const argv = box.spawns().at(-1).argv;
    if (argv.slice(0, command.split(' ').length).join(' ') !== command)
      throw new Error(`${route}: unexpected last CLI command ${argv.join(' ')}`);
    const direct = [];
    const through = [];
    const before = box.spawns().length;
    for (let i = 0; i < N.warm; i++) {
      let t = performance.now();
      const { result } = await server.call('ringcentral_get_account_info');
      through.push(performance.now() - t);
      if (result.isError) throw new Error('warm call failed');
      t = performance.now();
      // The environment the server's CLI children get (the client passes the server a minimal one):
      // variables such as NODE_EXTRA_CA_CERTS alone add ~25 ms to every node start.
      await run(process.execPath, [SANDBOX, ...argv], { env: { ...getDefaultEnvironment(), ...box.env } });
      direct.push(performance.now() - t);
    }
    const spawned = box.spawns().length - before;
    const perCall = (spawned - N.warm) / N.warm; // the direct runs log too
    const r = median(through) / median(direct);
    row(
      `Warm tool call (get_account_info) through MCP, ${route}`,
      ms(median(through)),
      `${ms(median(direct))} (\`membrane-sandbox ${command} ... --json\` run directly)`,
      ratio(r),
      '<= 1.10',
      verdict(r <= 1.1),
    );
    row(
      `CLI processes per warm call, ${route}`,
      String(perCall),
      workflow,
      ratio(perCall / Number(workflow[0])),
      '1',
      verdict(perCall === 1),
    );
    log(`${route}: warm ${ms(median(through))} vs direct ${ms(median(direct))}; ${perCall} process per call`);
    await server.close();
  }

  // 4. 16 concurrent calls against a CLI that takes 300 ms (sandbox `slow` fault).
  {
    const box = sandbox({ MEMBRANE_SANDBOX_DELAY_MS: '300' });
    const server = await connect(box);
    await server.call('ringcentral_get_account_info');
    box.setFault('slow');
    const single = [];
    for (let i = 0; i < N.single; i++) {
      const t = performance.now();
      await server.call('ringcentral_get_account_info');
      single.push(performance.now() - t);
    }
    const bursts = [];
    for (let i = 0; i < N.burst; i++) {
      const t = performance.now();
      const results = await Promise.all(Array.from({ length: 16 }, () => server.call('ringcentral_get_account_info')));
      bursts.push(performance.now() - t);
      if (results.some((r) => r.result.isError)) throw new Error('a concurrent call failed');
    }
    const r = median(bursts) / median(single);
    const limit = Math.ceil(16 / MAX_CONCURRENCY);
    row(
      `16 concurrent calls, CLI takes 300 ms (max ${MAX_CONCURRENCY} CLI processes)`,
      ms(median(bursts)),
      `${ms(median(single))} (one call)`,
      ratio(r),
      `<= ${limit} + overhead`,
      verdict(r <= limit * 1.25),
    );
    log(`16 concurrent ${ms(median(bursts))} vs one ${ms(median(single))}`);
    await server.close();
  }

  // 4b. Shared state: sends per second through two instances sharing Redis vs one on its own files.
  await sharedStateThroughput();

  // 5. RSS idle and after 2,000 calls (half real CLI runs, half dry runs and rejected input).
  {
    const box = sandbox();
    const server = await connect(box);
    await server.client.listTools();
    const idle = [];
    for (let i = 0; i < 3; i++) {
      idle.push(rssKb(server.pid));
      await server.client.ping();
    }
    /** @type {Array<[string, Record<string, unknown>]>} */
    const mix = [
      ['ringcentral_get_account_info', {}],
      ['ringcentral_api_request', { method: 'POST', path: '/restapi/v1.0/account/~/extension/~/sms', body: { text: 'x' }, dryRun: true }],
      ['ringcentral_list_messages', { limit: 5 }],
      ['ringcentral_get_contact', { contactId: '--help' }],
    ];
    const t = performance.now();
    await pool(N.rssCalls, 16, async (i) => {
      const [name, args] = mix[i % mix.length];
      await server.call(name, args);
    });
    const seconds = (performance.now() - t) / 1000;
    const after = rssKb(server.pid);
    row('Server RSS idle (after `tools/list`)', mb(median(idle)));
    row(
      `Server RSS after ${N.rssCalls.toLocaleString('en-US')} calls (concurrency 16, ${N.rssCalls / 2} CLI runs, ${seconds.toFixed(0)} s; no forced GC)`,
      mb(after),
      mb(median(idle)),
      ratio(after / median(idle)),
    );
    log(`RSS ${mb(median(idle))} idle, ${mb(after)} after ${N.rssCalls} calls`);
    await server.close();
  }

  // 6. Token economy: tools/list size, compact vs raw lists, the largest result.
  {
    const box = sandbox();
    const server = await connect(box, ['--confirm', 'off']);
    const { tools } = await server.client.listTools();
    const total = JSON.stringify(tools).length;
    // What the model is given: a client passes name, description and input schema on to it.
    /** @param {Tool} t */
    const modelView = (t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema });
    const seen = JSON.stringify(tools.map(modelView)).length;
    section = 'tokens';
    row(
      `\`tools/list\` as the model sees it (name, description, input schema): ${tools.length} tools`,
      `${seen.toLocaleString('en-US')} chars (~${Math.round(seen / 4).toLocaleString('en-US')} tokens)`,
      '',
      '',
      '<= 12,000 chars',
      verdict(seen <= 12_000),
    );
    row(
      `\`tools/list\` in full (with title, output schema, annotations): ${tools.length} tools`,
      `${total.toLocaleString('en-US')} chars (~${Math.round(total / 4).toLocaleString('en-US')} tokens)`,
    );
    const sizes = tools
      .map((t) => /** @type {const} */ ([t.name, JSON.stringify(modelView(t)).length, JSON.stringify(t).length]))
      .sort((a, b) => b[1] - a[1]);
    const perTool = sizes.map(([name, size, full]) => `| ${name} | ${size} | ${Math.round(size / 4)} | ${full} |`);
    for (const [label, flags] of /** @type {const} */ ([
      ['--read-only', ['--read-only']],
      ['--toolsets messaging,contacts', ['--toolsets', 'messaging,contacts']],
    ])) {
      const narrow = await connect(box, flags);
      const listed = (await narrow.client.listTools()).tools;
      const size = JSON.stringify(listed).length;
      row(
        `\`tools/list\` with ${label}: ${listed.length} tools`,
        `${size.toLocaleString('en-US')} chars (~${Math.round(size / 4).toLocaleString('en-US')} tokens)`,
      );
      await narrow.close();
    }

    // 100 contacts: the seed has fewer, so add some through the CLI directly.
    const env = { ...getDefaultEnvironment(), ...box.env };
    /**
     * @param {string[]} args
     * @returns {Promise<{ records: Array<{ id: unknown }> }>} a RingCentral list (the callers read only that)
     */
    const cli = async (...args) => JSON.parse((await run(process.execPath, [SANDBOX, ...args], { env, maxBuffer: 64 * 2 ** 20 })).stdout);
    const existing = (
      await cli('request', CONNECTION, '/restapi/v1.0/account/~/extension/~/address-book/contact', '--query', 'perPage=1000', '--json')
    ).records.length;
    for (let i = existing; i < 100; i++) {
      await cli(
        'action',
        'run',
        'create-contact',
        '--connectionId',
        CONNECTION,
        '--input',
        JSON.stringify({
          firstName: `Bench${i}`,
          lastName: 'Contact',
          email: `bench${i}@example.com`,
          mobilePhone: `+1650555${String(1000 + i).padStart(4, '0')}`,
        }),
        '--json',
      );
    }
    const since = new Date(Date.now() - 365 * 86_400_000).toISOString();
    /** @type {Array<[string, Record<string, unknown>, string, string[]]>} */
    const lists = [
      ['ringcentral_list_messages', { dateFrom: since }, '/restapi/v1.0/account/~/extension/~/message-store', ['dateFrom=' + since]],
      ['ringcentral_get_call_log', { dateFrom: since }, '/restapi/v1.0/account/~/extension/~/call-log', ['dateFrom=' + since]],
      ['ringcentral_list_contacts', {}, '/restapi/v1.0/account/~/extension/~/address-book/contact', []],
    ];
    for (const [tool, args, path, query] of lists) {
      const { result, text } = await server.call(tool, { ...args, limit: 100 });
      if (result.isError) throw new Error(`${tool}: ${text}`);
      const ids = new Set(result.structuredContent.records.map((/** @type {{ id: unknown }} */ r) => String(r.id)));
      const raw = await cli('request', CONNECTION, path, '--query', 'perPage=100', ...query.flatMap((q) => ['--query', q]), '--json');
      const same = raw.records.filter((r) => ids.has(String(r.id)));
      if (same.length !== ids.size) throw new Error(`${tool}: ${ids.size} records, ${same.length} found in the raw answer`);
      const rawSize = JSON.stringify(same).length;
      const r = text.length / rawSize;
      row(
        `${tool}, ${ids.size} records: compact result vs raw RingCentral JSON`,
        `${text.length.toLocaleString('en-US')} chars`,
        `${rawSize.toLocaleString('en-US')} chars`,
        ratio(r),
        '<= 0.25',
        verdict(r <= 0.25),
      );
    }

    // The largest result with default settings: every list at its maximum in full view, the
    // proxy on big collections, discovery, and the `huge` fault (30 MB from the CLI).
    /** @type {Array<readonly [string, Record<string, unknown>]>} */
    const probes = [
      ...tools
        .filter((t) => t.inputSchema.properties?.view)
        .map((t) => {
          /** @type {Record<string, { maximum?: number }>} */
          const properties = t.inputSchema.properties ?? {};
          return /** @type {const} */ ([
            t.name,
            { limit: properties.limit?.maximum ?? 1000, view: 'full', ...(properties.dateFrom ? { dateFrom: since } : {}) },
          ]);
        }),
      ['ringcentral_get_call_log', { dateFrom: since, detailed: true, view: 'full', limit: 1000 }],
      ['ringcentral_api_request', { method: 'GET', path: '/restapi/v1.0/account/~/extension', query: { perPage: 1000 } }],
      [
        'ringcentral_api_request',
        {
          method: 'GET',
          path: '/restapi/v1.0/account/~/extension/~/call-log',
          query: { perPage: 1000, view: 'Detailed', dateFrom: since },
        },
      ],
      ['ringcentral_find_actions', { intent: 'list get create update delete send', limit: 50 }],
      ['ringcentral_get_extension_info', {}],
      ['ringcentral_get_account_info', {}],
      ['ringcentral_status', {}],
    ];
    let largest = { size: 0, what: '' };
    /**
     * @param {string} name
     * @param {Record<string, unknown>} args
     * @param {string} label
     */
    const measure = async (name, args, label) => {
      const { text } = await server.call(name, args);
      if (text.length > largest.size) largest = { size: text.length, what: `${name} ${label}`.trim() };
    };
    for (const [name, args] of probes) await measure(name, args, JSON.stringify(args).length < 80 ? JSON.stringify(args) : '');
    box.setFault('huge');
    await measure('ringcentral_list_messages', { view: 'full', limit: 1000 }, '(huge fault)');
    await measure('ringcentral_api_request', { method: 'GET', path: '/restapi/v1.0/account/~/extension/~/message-store' }, '(huge fault)');
    box.setFault('');
    row(
      `Largest result of any tool, default settings (${probes.length + 2} probes incl. the huge fault)`,
      `${largest.size.toLocaleString('en-US')} chars`,
      `${largest.what}`,
      '',
      `<= ${BUDGET.toLocaleString('en-US')}`,
      verdict(largest.size <= BUDGET),
    );
    await server.close();

    const date = new Date().toISOString().slice(0, 10);
    const header = ['| figure | ringcentral-mcp | baseline | ratio | goal | met |', '| --- | --- | --- | --- | --- | --- |'];
    /** @param {Row[]} list */
    const table = (list) =>
      [...header, ...list.map((r) => `| ${r.metric} | ${r.value} | ${r.baseline} | ${r.ratio} | ${r.goal} | ${r.met} |`)].join('\n');
    const performance = [
      `Measured ${date} on ${machine}. Medians of ${N.cold} cold starts, ${N.warm} warm calls, ${N.single} single and ${N.burst} burst runs; baselines measured in the same run, interleaved.`,
      '',
      table(rows.performance),
    ].join('\n');
    const tokens = [
      `Measured ${date} by \`npm run bench\`; a token is estimated as 4 characters.`,
      '',
      table(rows.tokens),
      '',
      '<details><summary>tools/list size per tool</summary>',
      '',
      '| tool | model-visible chars | ~tokens | full chars |',
      '| --- | --- | --- | --- |',
      ...perTool,
      '',
      '</details>',
    ].join('\n');
    process.stdout.write(`${performance}\n\n${tokens}\n`);
    if (!quick) {
      writeFileSync(
        join(ROOT, 'bench/latest.md'),
        `# ringcentral-mcp benchmark\n\n## Performance\n\n${performance}\n\n## Token economy\n\n${tokens}\n`,
      );
      writeReadme({ performance, tokens });
    }
  }
}

/**
 * Every SMS send touches the state store (duplicate check, outcome, penalty check). Both set-ups
 * get the same CLI and 8 CLI slots in all (one instance with 8, two with 4 each), interleaved.
 */
async function sharedStateThroughput() {
  const redis = await startRedis();
  /** @type {HttpInstance[]} */
  const instances = [];
  try {
    const box = sandbox({ MEMBRANE_SANDBOX_DELAY_MS: '0' });
    const env = {
      ...box.env,
      RINGCENTRAL_MCP_HTTP_TOKEN: 'bench-token-0123456789abcdef',
      RINGCENTRAL_MCP_CONFIRM_SECRET: 'bench-secret',
      RINGCENTRAL_MCP_CONFIRM: 'off',
    };
    /**
     * @param {Record<string, string>} extraEnv
     * @param {number} slots
     */
    const start = async (extraEnv, slots) => {
      const instance = await httpInstance(env.RINGCENTRAL_MCP_HTTP_TOKEN, { ...env, ...extraEnv }, ['--max-concurrency', String(slots)]);
      instances.push(instance);
      await instance.call('ringcentral_get_account_info'); // warm: connection and action ids
      return instance;
    };
    const one = [await start({}, 8)];
    const two = [await start({ RINGCENTRAL_MCP_REDIS_URL: redis.url }, 4), await start({ RINGCENTRAL_MCP_REDIS_URL: redis.url }, 4)];
    const count = quick ? 24 : 80;
    /**
     * @param {HttpInstance[]} set
     * @param {string} tag
     */
    const rate = async (set, tag) => {
      const t = performance.now();
      await pool(count, 8, async (i) => {
        const result = await set[i % set.length].call('ringcentral_send_sms', { to: ['+16505550199'], text: `bench ${tag} ${i}` });
        if (result.structuredContent?.status !== 'done') throw new Error(`send ${tag} ${i} failed: ${JSON.stringify(result)}`);
      });
      return count / ((performance.now() - t) / 1000);
    };
    const alone = [];
    const shared = [];
    for (let round = 0; round < N.shared; round++) {
      alone.push(await rate(one, `one-${round}`));
      shared.push(await rate(two, `two-${round}`));
    }
    const r = median(shared) / median(alone);
    row(
      `SMS sends per second over HTTP: two instances sharing Redis (4 CLI slots each) vs one on its own files (8 slots); ${count} sends, concurrency 8`,
      `${median(shared).toFixed(1)} calls/s`,
      `${median(alone).toFixed(1)} calls/s (one instance, no Redis)`,
      ratio(r),
    );
    log(`shared state: ${median(shared).toFixed(1)} calls/s through two instances + Redis vs ${median(alone).toFixed(1)} through one`);
  } finally {
    for (const instance of instances) instance.stop();
    await redis.stop();
  }
}

/** A redis-server on a free loopback port, without persistence. */
async function startRedis() {
  /** @type {number} */
  const port = await new Promise((resolvePort, reject) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const { port: free } = /** @type {import('node:net').AddressInfo} */ (probe.address());
      probe.close(() => resolvePort(free));
    });
    probe.on('error', reject);
  });
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await /** @type {Promise<void>} */ (
    new Promise((ready, reject) => {
      let out = '';
      child.on('error', () => reject(new Error('redis-server is not installed (apt-get install redis-server)')));
      child.stdout.on('data', (d) => {
        out += String(d);
        if (/Ready to accept connections/.test(out)) ready();
      });
    })
  );
  return {
    url: `redis://127.0.0.1:${port}`,
    /** @returns {Promise<void>} */
    stop: () => new Promise((done) => (child.exitCode !== null ? done() : (child.once('exit', done), child.kill('SIGKILL')))),
  };
}

/**
 * `ringcentral-mcp --http --port 0` as a child process, and a JSON-RPC tools/call over fetch.
 * @param {string} token
 * @param {Record<string, string | undefined>} env
 * @param {string[]} args
 */
async function httpInstance(token, env, args) {
  const child = spawn(process.execPath, [CLI, '--http', '--port', '0', '--sandbox', '--no-warmup', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  /** @type {string} */
  const url = await new Promise((found, reject) => {
    let err = '';
    child.stderr.on('data', (d) => {
      err += String(d);
      const match = /serving Streamable HTTP on (\S+)/.exec(err);
      if (match) found(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`http instance exited ${code}: ${err}`)));
  });
  let id = 0;
  /**
   * @param {string} name
   * @param {Record<string, unknown>} [args]
   */
  const call = async (name, args = {}) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method: 'tools/call', params: { name, arguments: args } }),
    });
    return /** @type {{ result: ToolResult }} */ (await res.json()).result;
  };
  return { call, stop: () => child.kill('SIGKILL') };
}

/** @typedef {Awaited<ReturnType<typeof httpInstance>>} HttpInstance */

/**
 * README's Performance and Token economy figures are this run's tables, so README never disagrees.
 * @param {Record<string, string>} blocks
 */
function writeReadme(blocks) {
  const path = join(ROOT, 'README.md');
  let readme = readFileSync(path, 'utf8');
  for (const [name, body] of Object.entries(blocks)) {
    const startMarker = `<!-- bench:${name}:start (written by npm run bench) -->`;
    const endMarker = `<!-- bench:${name}:end -->`;
    const start = readme.indexOf(startMarker);
    const end = readme.indexOf(endMarker);
    if (start < 0 || end < start) throw new Error(`README has no ${startMarker} ... ${endMarker} markers`);
    readme = `${readme.slice(0, start + startMarker.length)}\n${body}\n${readme.slice(end)}`;
  }
  writeFileSync(path, readme);
}

main()
  .catch((error) => {
    process.stderr.write(`bench failed: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
