#!/usr/bin/env node
/**
 * `npm run bench`: what the server costs, measured against the sandbox CLI, with each figure the
 * median of several runs and each comparison's baseline measured in the same run (interleaved).
 * Prints markdown tables and writes them to bench/latest.md and README (Performance, Token
 * economy, Tasks). `--quick` runs fewer rounds and writes nothing; `--tokens` runs only the token
 * economy and `--tasks` only the task table (each writes only its own section). Not part of `npm test`.
 *
 * Figures: cold start vs a one-tool SDK server, and the file descriptors each needs to start (each
 * also before → after: the previous bench/latest.md against this run);
 * warm call latency through MCP vs the same CLI command run directly (both routes interleaved, the
 * median of per-round ratios), with where a warm call's time goes (request to CLI start, the CLI,
 * CLI exit to answer: the sandbox logs each process's start and exit, so the server pays nothing
 * for the figure) and CLI processes per warm call; 16 concurrent calls against the same 16 CLI runs
 * made directly 4 at a time; the modules of our own one warm send_sms and list_messages pass
 * through (bench/call-path.mjs); server RSS idle and after 2,000 calls; SMS sends per second through
 * two HTTP instances sharing Redis vs one instance on its own files; tools/list size; compact vs
 * raw list size; the largest result any tool gives with default settings; and common tasks
 * scripted as an assistant does them over MCP, with their calls and characters.
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
const tokensOnly = process.argv.includes('--tokens');
const N = {
  cold: quick ? 3 : 9,
  rounds: quick ? 2 : 5,
  perRound: quick ? 5 : 15,
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
/** Epoch milliseconds, fractional: comparable with the sandbox's timing log. */
const now = () => performance.timeOrigin + performance.now();

/** @type {string[]} */
const dirs = [];
/** @typedef {ReturnType<typeof sandbox>} Sandbox */
/** @param {Record<string, string>} [extra] */
function sandbox(extra = {}) {
  const dir = mkdtempSync(join(os.tmpdir(), 'rcmcp-bench-'));
  dirs.push(dir);
  const logPath = join(dir, 'spawns.log');
  const timingPath = join(dir, 'timing.log');
  const faultFile = join(dir, 'faults');
  /** @param {string} path */
  const lines = (path) =>
    existsSync(path)
      ? readFileSync(path, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l))
      : [];
  return {
    env: {
      MEMBRANE_SANDBOX_STATE: join(dir, 'state.json'),
      MEMBRANE_SANDBOX_LOG: logPath,
      MEMBRANE_SANDBOX_TIMING_LOG: timingPath,
      MEMBRANE_SANDBOX_FAULT_FILE: faultFile,
      ...extra,
    },
    /** @returns {Array<{ pid: number, argv: string[], t: number }>} every CLI process, in start order */
    spawns: () => lines(logPath),
    /** @returns {Map<number, { start: number, end: number }>} each process's start and exit, by pid */
    timing: () => new Map(lines(timingPath).map((l) => [l.pid, { start: l.start, end: l.end }])),
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
 * @param {string} [command]
 * @returns {Promise<number>}
 */
function coldStart(args, env, command = process.execPath) {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env: { ...getDefaultEnvironment(), ...env }, stdio: ['pipe', 'pipe', 'ignore'] });
    child.stdin.on('error', () => {}); // a server that died at start-up: its exit rejects
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
    child.stdout.on('error', () => {});
    child.on('exit', () =>
      elapsed === undefined ? reject(new Error(`${args.join(' ')} exited before answering`)) : resolvePromise(elapsed),
    );
    child.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } })}\n`,
    );
  });
}

/**
 * The sandbox CLI run directly, as the server runs it: with the environment the server's CLI
 * children get (the client passes the server a minimal one; NODE_EXTRA_CA_CERTS alone adds ~25 ms
 * to every node start), stdin ignored, and in a process group and session of its own (detached).
 * The session matters on a loaded Linux machine with autogroup scheduling: a process in a session
 * of its own gets a whole group's share of the CPU, so a floor run inside the bench's session
 * would be slower than the server's CLI runs for that reason alone.
 * @param {string[]} argv
 * @param {Record<string, string>} env
 * @returns {Promise<void>}
 */
function runDirect(argv, env) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [SANDBOX, ...argv], {
      env: { ...getDefaultEnvironment(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    });
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolveRun() : reject(new Error(`membrane-sandbox ${argv.join(' ')} exited ${code}`))));
  });
}

/**
 * The fewest open files (`ulimit -n`) with which a server answers `tools/list`: what it holds open
 * at once while it starts (its modules are read concurrently). Bisection between 16 and 1,024.
 * @param {string[]} args
 * @param {Record<string, string>} env
 */
async function fewestDescriptors(args, env) {
  /** @param {number} limit */
  const starts = (limit) =>
    coldStart(['-c', `ulimit -n ${limit} && exec "$0" "$@"`, process.execPath, ...args], env, '/bin/sh').then(
      () => true,
      () => false,
    );
  let [fails, works] = [16, 1024];
  if (!(await starts(works))) return NaN;
  while (works - fails > 4) {
    const mid = Math.round((fails + works) / 2);
    if (await starts(mid)) works = mid;
    else fails = mid;
  }
  return works;
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

/**
 * The "before" of this run: the value and ratio cells of a row of the bench/latest.md written by
 * the run before (read at start, before this run writes it), or undefined.
 * @param {string} metric the row's first cell, or its start
 */
function previousRow(metric) {
  const path = join(ROOT, 'bench/latest.md');
  if (!existsSync(path)) return undefined;
  const line = readFileSync(path, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`| ${metric}`));
  const cells = line?.split(' | ');
  return cells && { value: cells[1], ratio: cells[3] };
}
const before = {
  cold: previousRow('Cold start: spawn to `tools/list` answered'),
  fds: previousRow('Open files needed to start'),
};

/**
 * The modules of our own one warm call passes through (bench/call-path.mjs, run as a child
 * process on the built server): one row per call it traces, goal at most 10.
 */
async function callPathRows() {
  const { stdout } = await run(process.execPath, [join(ROOT, 'bench/call-path.mjs'), '--json'], { maxBuffer: 16 * 2 ** 20 });
  /** @type {Record<string, Array<{ module: string }>>} */
  const paths = JSON.parse(stdout);
  for (const [call, modules] of Object.entries(paths)) {
    row(
      `Modules of our own one call passes through: ${call} (\`node bench/call-path.mjs\`)`,
      String(modules.length),
      '',
      '',
      '<= 10',
      verdict(modules.length <= 10),
    );
    log(`${call}: ${modules.length} modules`);
  }
}

async function main() {
  if (process.argv.includes('--tasks')) {
    // Only the task table (cheap: one server on the sandbox): printed, and written to README and
    // bench/latest.md unless --quick.
    const tasks = await taskTable();
    process.stdout.write(`${tasks}\n`);
    if (!quick) {
      writeSection('Tasks', tasks);
    }
    return;
  }
  const cpus = os.cpus();
  const machine = `${os.type()} ${os.release()} (${os.arch()}), ${cpus[0]?.model?.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM, Node ${process.version}, load average ${os.loadavg()[0].toFixed(1)} at start (absolute times grow with load; the ratios compare runs made side by side)`;
  log(machine);

  // --tokens skips the performance figures (minutes of CPU) and writes the token section alone.
  if (!tokensOnly) {
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
      if (process.platform !== 'win32') {
        const fds = await fewestDescriptors([CLI, '--sandbox', '--no-warmup'], box.env);
        const minimalFds = await fewestDescriptors([MINIMAL], {});
        row(
          'Open files needed to start: the lowest `ulimit -n` that still answers `tools/list` (within 4)',
          String(fds),
          `${minimalFds} (one-tool SDK server)`,
          ratio(fds / minimalFds),
        );
        log(`start-up needs ${fds} open files (one-tool server ${minimalFds})`);
        if (before.fds)
          row('Open files needed to start, before → after (the previous bench/latest.md → this run)', `${before.fds.value} → ${fds}`);
      }
      if (before.cold)
        row(
          'Cold start, before → after (the previous bench/latest.md → this run; absolute, then the ratio to the one-tool SDK server)',
          `${before.cold.value} → ${ms(median(ours))}`,
          '',
          `${before.cold.ratio} → ${ratio(r)}`,
        );
    }

    // 2 + 3. Warm call latency vs the same CLI command run directly, on both routes (auto takes the
    // action on the default sandbox; --route rest takes `membrane request`), interleaved: each round
    // runs both routes, each call followed by its direct run; the figure is the median of the rounds'
    // ratios. The sandbox logs each process's start and exit, which splits a call into phases.
    /** @type {Array<{ route: string, command: string, workflow: string, box: Sandbox, server: Awaited<ReturnType<typeof connect>>, argv: string[], before: number, through: number[], direct: number[], ratios: number[], marks: Array<[number, number]> }>} */
    const routes = [];
    for (const [route, args, command, workflow] of /** @type {const} */ ([
      ['action route', [], 'action run', '3 (documented workflow: connection list, action list, action run)'],
      ['REST route', ['--route', 'rest'], 'request', '2 (documented workflow: connection list, request)'],
    ])) {
      const box = sandbox();
      const server = await connect(box, args);
      await server.call('ringcentral_get_account_info'); // resolves the connection, action ids and routes
      await server.call('ringcentral_get_account_info'); // and warms the server's own code path
      const argv = box.spawns().at(-1)?.argv ?? [];
      if (argv.slice(0, command.split(' ').length).join(' ') !== command)
        throw new Error(`${route}: unexpected last CLI command ${argv.join(' ')}`);
      routes.push({
        route,
        command,
        workflow,
        box,
        server,
        argv,
        before: box.spawns().length,
        through: [],
        direct: [],
        ratios: [],
        marks: [],
      });
    }
    for (let round = 0; round < N.rounds; round++) {
      for (const r of routes) {
        const through = [];
        const direct = [];
        for (let i = 0; i < N.perRound; i++) {
          let t = now();
          const { result } = await r.server.call('ringcentral_get_account_info');
          through.push(now() - t);
          r.marks.push([t, t + through[i]]);
          if (result.isError) throw new Error('warm call failed');
          t = now();
          await runDirect(r.argv, r.box.env);
          direct.push(now() - t);
          r.marks.push([t, t + direct[i]]);
        }
        r.ratios.push(median(through) / median(direct));
        r.through.push(...through);
        r.direct.push(...direct);
      }
    }
    for (const r of routes) {
      await r.server.close();
      const spawned = r.box.spawns().slice(r.before);
      const calls = N.rounds * N.perRound;
      const perCall = (spawned.length - calls) / calls; // the direct runs log too
      const ratioOfRounds = median(r.ratios);
      row(
        `Warm tool call (get_account_info) through MCP, ${r.route}: median of ${N.rounds} interleaved rounds' ratios`,
        ms(median(r.through)),
        `${ms(median(r.direct))} (\`membrane-sandbox ${r.command} ... --json\` run directly)`,
        ratio(ratioOfRounds),
        '<= 1.05',
        verdict(ratioOfRounds <= 1.05),
      );
      row(
        `CLI processes per warm call, ${r.route}`,
        String(perCall),
        r.workflow,
        ratio(perCall / Number(r.workflow[0])),
        '1',
        verdict(perCall === 1),
      );
      // One process per call and per direct run, in the same order as the marks: pair them up.
      if (spawned.length === r.marks.length) {
        const timing = r.box.timing();
        /** @type {number[][]} */
        const phases = [[], [], [], [], [], []];
        spawned.forEach(({ pid }, i) => {
          const at = timing.get(pid);
          const [sent, answered] = r.marks[i];
          if (!at) return;
          const offset = i % 2 ? 3 : 0; // even: through MCP; odd: run directly
          phases[offset].push(at.start - sent);
          phases[offset + 1].push(at.end - at.start);
          phases[offset + 2].push(answered - at.end);
        });
        const [a, b, c, d, e, f] = phases.map((list) => ms(median(list)));
        row(
          `Warm call, ${r.route}, per phase (medians): request to CLI start / CLI start to exit / CLI exit to answer`,
          `${a} / ${b} / ${c}`,
          `${d} / ${e} / ${f} (run directly: spawn to CLI start / CLI / exit to exit seen)`,
        );
        log(`${r.route} phases: MCP ${a} / ${b} / ${c}; direct ${d} / ${e} / ${f}`);
      }
      log(
        `${r.route}: warm ${ms(median(r.through))} vs direct ${ms(median(r.direct))}, ratio of rounds ${ratio(ratioOfRounds)} (${r.ratios.map(ratio).join(', ')}); ${perCall} process per call`,
      );
    }

    await callPathRows();

    // 4. 16 concurrent calls against the same 16 CLI runs made directly, 4 at a time (the server's
    // default --max-concurrency), with a CLI that takes 300 ms (sandbox `slow` fault); interleaved.
    {
      const box = sandbox({ MEMBRANE_SANDBOX_DELAY_MS: '300' });
      const server = await connect(box);
      await server.call('ringcentral_get_account_info');
      const argv = box.spawns().at(-1)?.argv ?? [];
      box.setFault('slow');
      const bursts = [];
      const floor = [];
      for (let i = 0; i < N.burst; i++) {
        let t = now();
        const results = await Promise.all(Array.from({ length: 16 }, () => server.call('ringcentral_get_account_info')));
        bursts.push(now() - t);
        if (results.some((r) => r.result.isError)) throw new Error('a concurrent call failed');
        t = now();
        await pool(16, MAX_CONCURRENCY, async () => {
          await runDirect(argv, box.env);
        });
        floor.push(now() - t);
      }
      const r = median(bursts) / median(floor);
      row(
        `16 concurrent calls, CLI takes 300 ms (max ${MAX_CONCURRENCY} CLI processes)`,
        ms(median(bursts)),
        `${ms(median(floor))} (the same 16 CLI runs made directly, ${MAX_CONCURRENCY} at a time)`,
        ratio(r),
        '<= 1.10',
        verdict(r <= 1.1),
      );
      log(`16 concurrent ${ms(median(bursts))} vs 16 direct runs 4 at a time ${ms(median(floor))}`);
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
      `Measured ${date} on ${machine}. Medians of ${N.cold} cold starts, ${N.rounds} rounds of ${N.perRound} warm calls per route and ${N.burst} bursts; baselines measured in the same run, interleaved. Figures move with the machine's load.`,
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
    if (tokensOnly) {
      process.stdout.write(`${tokens}\n`);
      if (!quick) writeSection('Token economy', tokens, '## Tasks');
      return;
    }
    const tasks = await taskTable();
    process.stdout.write(`${performance}\n\n${tokens}\n\n${tasks}\n`);
    if (!quick) {
      writeFileSync(
        join(ROOT, 'bench/latest.md'),
        `# ringcentral-mcp benchmark\n\n## Performance\n\n${performance}\n\n## Token economy\n\n${tokens}\n\n## Tasks\n\n${tasks}\n`,
      );
      writeReadme({ performance, tokens, tasks });
    }
  }
}

/**
 * @typedef {{ call: (name: string, args: Record<string, unknown>) => Promise<any>, confirm: (name: string, args: Record<string, unknown>, first: any) => Promise<any> }} TaskTools
 * @typedef {{ how: string, needs: string[], run: (tools: TaskTools) => Promise<void> }} Plan
 * @typedef {{ task: string, sends?: boolean, plans: Plan[] }} Task
 */

/** A task's step failed: the tool answered with an error, or not with what the task needs. */
class StepError extends Error {}
/** @param {string} text an error's first line, short enough for a table cell */
const firstLine = (text) => text.split('\n')[0].slice(0, 140);

/**
 * Common tasks, each scripted as an assistant does them over MCP on the sandbox (token
 * confirmation, as for a client without elicitation). A task's first plan is its shortest form; a
 * later plan is how it is done when that form is missing from this build (a tool not listed, or
 * arguments it refuses), and the table says so. Characters: each call's arguments plus the
 * result's text content, what passes through the model.
 */
async function taskTable() {
  const box = sandbox();
  const server = await connect(box);
  const listed = new Set((await server.client.listTools()).tools.map((t) => t.name));
  /**
   * Setup, not counted: the account's time zone and ids an assistant would already hold.
   * @param {string} name
   * @param {Record<string, unknown>} args
   */
  const setup = async (name, args) => (await server.call(name, args)).result.structuredContent;
  const account = await setup('ringcentral_get_account_info', {});
  const zone = account?.record?.regionalSettings?.timezone?.name ?? 'UTC';
  /** @param {number} daysAgo */
  const day = (daysAgo) => new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date(Date.now() - daysAgo * 86_400_000));
  const [today, yesterday, monthAgo] = [day(0), day(1), day(30)];
  const contact = (await setup('ringcentral_list_contacts', { limit: 1 }))?.records?.[0] ?? {};
  const contactName = String(contact.name ?? contact.card ?? '').replace(/ \(.*| \+.*/, '');
  const sms = (await setup('ringcentral_list_messages', { messageType: 'SMS', limit: 1, view: 'full' }))?.records?.[0] ?? {};
  const colleague = 'Elena Rahman'; // a colleague with no Direct chat in the seed
  const text = 'Running 10 minutes late, sorry!';
  /** @param {any} result @param {string} key */
  const needKey = (result, key) => {
    if (!(result?.records ?? []).every((/** @type {Record<string, unknown>} */ r) => key in r)) throw new StepError(`records lack ${key}`);
  };

  /** @type {Task[]} */
  const tasks = [
    {
      task: 'The last 5 SMS',
      plans: [
        {
          how: 'list_messages',
          needs: ['ringcentral_list_messages'],
          run: async ({ call }) => void (await call('ringcentral_list_messages', { messageType: 'SMS', limit: 5 })),
        },
      ],
    },
    {
      task: "Today's voicemails with their transcriptions",
      plans: [
        {
          how: 'list_messages with fields: transcription',
          needs: ['ringcentral_list_messages'],
          run: async ({ call }) => {
            const list = await call('ringcentral_list_messages', { messageType: 'VoiceMail', dateFrom: today, fields: ['transcription'] });
            // A voicemail without a transcription may lack the field; a list where none has it ignored it.
            const records = list?.records ?? [];
            if (records.length && !records.some((/** @type {Record<string, unknown>} */ r) => 'transcription' in r))
              throw new StepError('records lack transcription');
          },
        },
        {
          how: 'list_messages, then get_message per voicemail',
          needs: ['ringcentral_list_messages', 'ringcentral_get_message'],
          run: async ({ call }) => {
            const list = await call('ringcentral_list_messages', { messageType: 'VoiceMail', dateFrom: today });
            for (const record of list?.records ?? []) await call('ringcentral_get_message', { messageId: String(record.id) });
          },
        },
      ],
    },
    {
      task: `Text a contact by name (${contactName})`,
      sends: true,
      plans: [
        {
          how: 'send_sms to the name',
          needs: ['ringcentral_send_sms'],
          run: async ({ call, confirm }) => {
            const args = { to: [contactName], text };
            await confirm('ringcentral_send_sms', args, await call('ringcentral_send_sms', args));
          },
        },
        {
          how: 'list_contacts by first name, then send_sms to the number',
          needs: ['ringcentral_list_contacts', 'ringcentral_send_sms'],
          run: async ({ call, confirm }) => {
            const found = await call('ringcentral_list_contacts', { startsWith: contactName.split(' ')[0] });
            const match = (found?.records ?? []).find((/** @type {any} */ r) => JSON.stringify(r).includes(contactName));
            const number = /\+\d{8,15}/.exec(JSON.stringify(match ?? {}))?.[0];
            if (!number) throw new StepError(`no number for ${contactName}`);
            const args = { to: [number], text };
            await confirm('ringcentral_send_sms', args, await call('ringcentral_send_sms', args));
          },
        },
      ],
    },
    {
      task: `Text a colleague in chat (${colleague}, no Direct chat yet)`,
      sends: true,
      plans: [
        {
          how: 'create_chat_post to the name',
          needs: ['ringcentral_create_chat_post'],
          run: async ({ call, confirm }) => {
            const args = { chatId: colleague, text };
            await confirm('ringcentral_create_chat_post', args, await call('ringcentral_create_chat_post', args));
          },
        },
        {
          how: 'list_chats, then create_chat_post to their Direct chat',
          needs: ['ringcentral_list_chats', 'ringcentral_create_chat_post'],
          run: async ({ call, confirm }) => {
            const chats = await call('ringcentral_list_chats', { type: 'Direct', limit: 100 });
            const chat = (chats?.records ?? []).find((/** @type {any} */ c) => c.with === colleague);
            if (!chat) throw new StepError(`no Direct chat with ${colleague}, and no tool starts one`);
            const args = { chatId: String(chat.id), text };
            await confirm('ringcentral_create_chat_post', args, await call('ringcentral_create_chat_post', args));
          },
        },
      ],
    },
    {
      task: "Find yesterday's meeting",
      plans: [
        {
          how: 'list_meetings for yesterday',
          needs: ['ringcentral_list_meetings'],
          run: async ({ call }) => void (await call('ringcentral_list_meetings', { dateFrom: yesterday, dateTo: yesterday })),
        },
      ],
    },
    {
      task: 'Who called me today, and which calls did I miss',
      plans: [
        {
          how: 'get_call_log inbound since today (each record has its result)',
          needs: ['ringcentral_get_call_log'],
          run: async ({ call }) => needKey(await call('ringcentral_get_call_log', { direction: 'Inbound', dateFrom: today }), 'result'),
        },
      ],
    },
    {
      task: 'Add the last caller as a contact',
      plans: [
        {
          how: 'get_call_log (last inbound call), then create_contact',
          needs: ['ringcentral_get_call_log', 'ringcentral_create_contact'],
          run: async ({ call }) => {
            const calls = await call('ringcentral_get_call_log', { direction: 'Inbound', type: 'Voice', limit: 1 });
            const from = String(calls?.records?.[0]?.from ?? '');
            const number = /\+\d{8,15}/.exec(from)?.[0];
            if (!number) throw new StepError('the last call has no caller number');
            const name = /\(([^)]+)\)/.exec(from)?.[1] ?? 'Caller';
            const [firstName, ...rest] = name.split(' ');
            await call('ringcentral_create_contact', { firstName, lastName: rest.join(' ') || undefined, mobilePhone: number });
          },
        },
      ],
    },
    {
      task: 'Who is this number: (404) 555-0134',
      plans: [
        {
          how: 'find_people by the number as written',
          needs: ['ringcentral_find_people'],
          run: async ({ call }) => void (await call('ringcentral_find_people', { query: '(404) 555-0134' })),
        },
        {
          how: 'list_contacts and list_extensions (E.164 written by the assistant)',
          needs: ['ringcentral_list_contacts', 'ringcentral_list_extensions'],
          run: async ({ call }) => {
            await call('ringcentral_list_contacts', { phoneNumber: '+14045550134' });
            await call('ringcentral_list_extensions', { limit: 100 });
          },
        },
      ],
    },
    {
      task: 'My unread messages',
      plans: [
        {
          how: 'list_messages unread',
          needs: ['ringcentral_list_messages'],
          run: async ({ call }) => void (await call('ringcentral_list_messages', { readStatus: 'Unread' })),
        },
      ],
    },
    {
      task: 'Mark a message read (its id from a list)',
      plans: [
        {
          how: 'update_message',
          needs: ['ringcentral_update_message'],
          run: async ({ call }) => void (await call('ringcentral_update_message', { messageId: sms.id, read: true })),
        },
        {
          how: 'api_request PATCH (confirmed: a non-GET proxy call)',
          needs: ['ringcentral_api_request'],
          run: async ({ call, confirm }) => {
            const args = {
              method: 'PATCH',
              path: `/restapi/v1.0/account/~/extension/~/message-store/${sms.id}`,
              body: JSON.stringify({ readStatus: 'Read' }),
            };
            await confirm('ringcentral_api_request', args, await call('ringcentral_api_request', args));
          },
        },
      ],
    },
    {
      task: 'Read one SMS conversation (its id from a message)',
      plans: [
        {
          how: 'list_messages by conversationId',
          needs: ['ringcentral_list_messages'],
          run: async ({ call }) =>
            void (await call('ringcentral_list_messages', {
              conversationId: String(sms.conversationId ?? sms.conversation?.id),
              dateFrom: monthAgo,
            })),
        },
      ],
    },
    {
      task: 'My personal meeting room link',
      plans: [
        {
          how: 'list_meetings (the personal room comes with the first page)',
          needs: ['ringcentral_list_meetings'],
          run: async ({ call }) => {
            const meetings = await call('ringcentral_list_meetings', { limit: 1 });
            if (!meetings?.personalRoom) throw new StepError('the answer has no personalRoom');
          },
        },
      ],
    },
    {
      task: 'Start a video meeting and share its link',
      plans: [
        {
          how: 'create_meeting',
          needs: ['ringcentral_create_meeting'],
          run: async ({ call }) => void (await call('ringcentral_create_meeting', { name: 'Quick sync' })),
        },
      ],
    },
    {
      task: 'My own extension and numbers',
      plans: [
        {
          how: 'get_extension_info',
          needs: ['ringcentral_get_extension_info'],
          run: async ({ call }) => void (await call('ringcentral_get_extension_info', {})),
        },
      ],
    },
  ];

  const lines = [];
  for (const { task, sends, plans } of tasks) {
    /** @type {string[]} */
    const missed = [];
    let done;
    for (const plan of plans) {
      const absent = plan.needs.filter((name) => !listed.has(name));
      if (absent.length) {
        missed.push(`${plan.how}: ${absent.join(', ')} not in this build`);
        continue;
      }
      const tally = { calls: 0, confirmations: 0, chars: 0 };
      /** @type {TaskTools} */
      const tools = {
        call: async (name, args) => {
          const { result, text } = await server.call(name, args);
          tally.calls++;
          tally.chars += JSON.stringify(args).length + text.length;
          if (result.isError) throw new StepError(`${name}: ${firstLine(text)}`);
          return result.structuredContent;
        },
        confirm: async (name, args, first) => {
          if (first?.status !== 'confirmation_required') return first;
          const confirmed = { ...args, confirmationToken: first.confirmationToken };
          const { result, text } = await server.call(name, confirmed);
          tally.confirmations++;
          tally.chars += JSON.stringify(confirmed).length + text.length;
          if (result.isError || result.structuredContent?.status !== 'done') throw new StepError(`${name} confirmed: ${firstLine(text)}`);
          return result.structuredContent;
        },
      };
      try {
        await plan.run(tools);
        done = { plan, ...tally };
        break;
      } catch (error) {
        if (!(error instanceof StepError)) throw error;
        missed.push(`${plan.how}: ${error.message.replace(/\|/g, '\\|')}`);
      }
    }
    const note = missed.length ? ` (not: ${missed.join('; ')})` : '';
    if (!done) {
      lines.push(`| ${task} | n/a |  |  | none works in this build${note} | NO |`);
      log(`task "${task}": n/a${note}`);
      continue;
    }
    const met = done.calls === 1 && done.confirmations <= (sends ? 1 : 0) && done.chars <= BUDGET;
    lines.push(
      `| ${task} | ${done.calls} | ${done.confirmations} | ${done.chars.toLocaleString('en-US')} | ${done.plan.how}${note} | ${verdict(met)} |`,
    );
    log(`task "${task}": ${done.calls} call(s) + ${done.confirmations} confirmation(s), ${done.chars} chars (${done.plan.how})`);
  }
  await server.close();
  const metCount = lines.filter((l) => l.endsWith('| yes |')).length;
  return [
    `Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench\` on the sandbox: ${tasks.length} tasks, each scripted as an assistant does it over MCP (confirmation by token); characters are each call's arguments plus its result's text. Goal per task: one call, plus one confirmation where something is sent, and at most ${BUDGET.toLocaleString('en-US')} characters. Met: ${metCount} of ${tasks.length}.`,
    '',
    '| task | calls | confirmations | chars (arguments + results) | how | met |',
    '| --- | --- | --- | --- | --- | --- |',
    ...lines,
  ].join('\n');
}

/**
 * Every SMS send touches the state store (duplicate check, outcome, penalty check). Both set-ups
 * get the same CLI and 8 CLI slots in all (one instance with 8, two with 4 each), interleaved.
 */
async function sharedStateThroughput() {
  const redisServer = process.env.RINGCENTRAL_MCP_REDIS_SERVER || 'redis-server';
  const redis = await startRedis(redisServer).catch((/** @type {Error} */ error) => {
    log(`shared state row skipped: ${error.message}`);
  });
  if (!redis) return;
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

/**
 * A redis-server on a free loopback port, without persistence.
 * @param {string} command redis-server, or the path RINGCENTRAL_MCP_REDIS_SERVER names
 */
async function startRedis(command) {
  /** @type {number} */
  const port = await new Promise((resolvePort, reject) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const { port: free } = /** @type {import('node:net').AddressInfo} */ (probe.address());
      probe.close(() => resolvePort(free));
    });
    probe.on('error', reject);
  });
  const child = spawn(command, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await /** @type {Promise<void>} */ (
    new Promise((ready, reject) => {
      let out = '';
      child.on('error', () =>
        reject(
          new Error(`${command} is not installed (apt-get install redis-server, or RINGCENTRAL_MCP_REDIS_SERVER=/path/to/redis-server)`),
        ),
      );
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
 * Replaces one section of bench/latest.md (up to the next heading `until`, or the end) and its README block.
 * @param {'Token economy' | 'Tasks'} heading
 * @param {string} body
 * @param {string} [until]
 */
function writeSection(heading, body, until) {
  const path = join(ROOT, 'bench/latest.md');
  const latest = readFileSync(path, 'utf8');
  const start = latest.indexOf(`\n## ${heading}\n`);
  const end = until ? latest.indexOf(`\n${until}\n`) : -1;
  const before = start < 0 ? latest.trimEnd() + '\n' : latest.slice(0, start + 1);
  const after = end > start && start >= 0 ? latest.slice(end) : '';
  writeFileSync(path, `${before}\n## ${heading}\n\n${body}\n${after}`.replace(/\n\n\n+/g, '\n\n'));
  writeReadme({ [heading === 'Tasks' ? 'tasks' : 'tokens']: body });
}

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
