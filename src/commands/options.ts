/**
 * Command-line flags and environment variables -> ServerOptions. Flags win over the environment.
 * The help text lives next to the flags so the two cannot drift.
 */
import { parseArgs } from 'node:util';
import { CONFIRM_MODES, type ConfirmMode } from '../safety/confirm.js';
import { ROUTE_MODES, type RouteMode } from '../membrane/routing.js';
import { DEFAULTS, type ServerOptions } from '../mcp/runtime.js';
import { TOOLSETS } from '../../tools/index.js';

export const FLAGS = {
  sandbox: {
    type: 'boolean',
    env: 'RINGCENTRAL_MCP_SANDBOX',
    help: 'use the bundled membrane-sandbox (simulated account, nothing real is sent)',
  },
  membrane: { type: 'string', env: 'MEMBRANE_CLI', help: 'path of the Membrane CLI (default: membrane on PATH)' },
  'connection-id': {
    type: 'string',
    env: 'RINGCENTRAL_CONNECTION_ID',
    help: "pin the RingCentral connection (default: the one READY RingCentral connection; not with --users: pin a person's in the users file)",
  },
  route: {
    type: 'string',
    env: 'RINGCENTRAL_MCP_ROUTE',
    help: "auto|action|rest: how tools reach RingCentral (default auto: a tool's Membrane action when its live input schema takes every property the tool sends, else RingCentral's REST API via membrane request; see doctor)",
  },
  'read-only': { type: 'boolean', env: 'RINGCENTRAL_MCP_READ_ONLY', help: 'expose no write tool; the API proxy accepts GET only' },
  toolsets: { type: 'string', env: 'RINGCENTRAL_MCP_TOOLSETS', help: `comma list of ${TOOLSETS.join(',')}` },
  tools: { type: 'string', env: 'RINGCENTRAL_MCP_TOOLS', help: 'comma list of tool names (adds to --toolsets)' },
  confirm: {
    type: 'string',
    env: 'RINGCENTRAL_MCP_CONFIRM',
    help: 'auto|elicit|token|off: how irreversible calls are confirmed (default auto: ask the person when the client can, else a confirmation token). off = no confirmation, for unattended pipelines only',
  },
  timeout: { type: 'string', env: 'RINGCENTRAL_MCP_TIMEOUT_MS', help: `per-call timeout in ms (default ${DEFAULTS.timeoutMs})` },
  'max-concurrency': {
    type: 'string',
    env: 'RINGCENTRAL_MCP_MAX_CONCURRENCY',
    help: `CLI processes at once (default ${DEFAULTS.maxConcurrency})`,
  },
  'max-result-chars': {
    type: 'string',
    env: 'RINGCENTRAL_MCP_MAX_RESULT_CHARS',
    help: `character budget of one result (default ${DEFAULTS.maxResultChars})`,
  },
  'no-warmup': {
    type: 'boolean',
    env: 'RINGCENTRAL_MCP_NO_WARMUP',
    help: 'do not resolve the connection and action ids when a client connects',
  },
  http: { type: 'boolean', env: 'RINGCENTRAL_MCP_HTTP', help: 'serve Streamable HTTP on /mcp instead of stdio' },
  port: { type: 'string', env: 'RINGCENTRAL_MCP_PORT', help: 'HTTP port (default 3000; 0 = any free port)' },
  host: {
    type: 'string',
    env: 'RINGCENTRAL_MCP_HOST',
    help: 'HTTP bind address (default 127.0.0.1; others need RINGCENTRAL_MCP_HTTP_TOKEN, --users or --oauth-issuer)',
  },
  users: {
    type: 'string',
    env: 'RINGCENTRAL_MCP_USERS',
    help: 'HTTP users file: {"users":[{"name","tokenSha256","tenantKey","connectionId"?}]}; each bearer token acts as its own Membrane tenant (re-read on change or SIGHUP; deleted or broken, it lets nobody in)',
  },
  'oauth-issuer': {
    type: 'string',
    env: 'RINGCENTRAL_MCP_OAUTH_ISSUER',
    help: "HTTP as an OAuth 2.1 resource server: access tokens (JWTs) from this issuer are checked against its keys; each person (the token's subject) acts as their own Membrane tenant; ringcentral.read gives the read tools, ringcentral.write the rest (not with --users or RINGCENTRAL_MCP_HTTP_TOKEN)",
  },
  'public-url': {
    type: 'string',
    env: 'RINGCENTRAL_MCP_PUBLIC_URL',
    help: 'with --oauth-issuer: the URL clients reach the MCP endpoint at, the resource tokens must be issued for (required off loopback; behind a load balancer, its https URL)',
  },
  'tenant-claim': {
    type: 'string',
    env: 'RINGCENTRAL_MCP_TENANT_CLAIM',
    help: 'with --oauth-issuer: the token claim that names the person, their tenant key (default sub; e.g. email); a value a key cannot hold becomes sha256.<hex of it>',
  },
  'redis-url': {
    type: 'string',
    env: 'RINGCENTRAL_MCP_REDIS_URL',
    help: 'keep single-use tokens, the SMS duplicate window and rate-limit penalties in this Redis, so instances act as one (default: files on this machine, one instance)',
  },
  yes: { type: 'boolean', short: 'y', help: 'setup: run every step without asking (without it, setup asks only on a terminal)' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
  version: { type: 'boolean', short: 'v', help: 'print the version' },
} as const;

type FlagName = keyof typeof FLAGS;
export type Flags = Partial<Record<FlagName, string | boolean>>;

export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv = process.env): { flags: Flags; positionals: string[] } {
  const options = Object.fromEntries(
    Object.entries(FLAGS).map(([name, f]) => [name, { type: f.type, ...('short' in f ? { short: f.short } : {}) }]),
  ) as NonNullable<Parameters<typeof parseArgs>[0]>['options'];
  const parsed = parseFlags(argv, options);
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const positionals = parsed.positionals;
  const flags: Flags = {};
  for (const [name, f] of Object.entries(FLAGS) as Array<[FlagName, (typeof FLAGS)[FlagName]]>) {
    const fromEnv = 'env' in f ? env[f.env] : undefined;
    const value =
      values[name] ??
      (fromEnv === undefined || fromEnv === '' ? undefined : f.type === 'boolean' ? /^(1|true|yes|on)$/i.test(fromEnv) : fromEnv);
    if (value !== undefined) flags[name] = value;
  }
  return { flags, positionals };
}

const list = (value: string | boolean | undefined) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

function int(name: string, value: string | boolean | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number >= ${min}, got ${String(value)}`);
  return n;
}

export function serverOptions(flags: Flags): ServerOptions {
  const confirm = flags.confirm as string | undefined;
  if (confirm !== undefined && !CONFIRM_MODES.includes(confirm as ConfirmMode)) {
    throw new Error(`--confirm must be one of ${CONFIRM_MODES.join(', ')}, got ${confirm}`);
  }
  const route = flags.route as string | undefined;
  if (route !== undefined && !ROUTE_MODES.includes(route as RouteMode)) {
    throw new Error(`--route must be one of ${ROUTE_MODES.join(', ')}, got ${route}`);
  }
  const connectionId = flags['connection-id'] as string | undefined;
  if (connectionId !== undefined && !/^[A-Za-z0-9][\w.:-]{0,127}$/.test(connectionId)) {
    throw new Error(`--connection-id must be a Membrane connection id (letters, digits, _ . : -), got ${JSON.stringify(connectionId)}`);
  }
  const redisUrl = flags['redis-url'] as string | undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) {
    throw new Error(`--redis-url must be a redis:// or rediss:// URL, got ${JSON.stringify(redisUrl.replace(/:[^:@/]*@/, ':***@'))}`);
  }
  return {
    sandbox: flags.sandbox === true,
    membrane: flags.membrane as string | undefined,
    connectionId,
    route: route as RouteMode | undefined,
    readOnly: flags['read-only'] === true,
    toolsets: list(flags.toolsets),
    tools: list(flags.tools),
    confirm: confirm as ConfirmMode | undefined,
    timeoutMs: int('timeout', flags.timeout, 100),
    maxConcurrency: int('max-concurrency', flags['max-concurrency'], 1),
    maxResultChars: int('max-result-chars', flags['max-result-chars'], 1000),
    warmup: flags['no-warmup'] !== true,
    confirmSecret: process.env.RINGCENTRAL_MCP_CONFIRM_SECRET || undefined,
    redisUrl,
  };
}

export function helpText(): string {
  const lines = [
    'ringcentral-mcp: RingCentral tools for AI assistants, over the Membrane CLI.',
    '',
    'Usage:',
    '  ringcentral-mcp [flags]                 serve MCP over stdio (or --http)',
    '  ringcentral-mcp call <tool> [json-args] run one tool, print its result (exit 1 on error)',
    '  ringcentral-mcp tools [flags]           list the tools these flags expose, with their kind',
    '  ringcentral-mcp doctor [flags]          check the CLI, login and connection, with fixes',
    '  ringcentral-mcp setup [--yes]           walk through installing (npm install -g @membranehq/cli), logging in',
    '                                          and connecting (asks on a terminal; --yes runs every step)',
    '  ringcentral-mcp config <client> [flags] print the config for claude-desktop (the path of this platform),',
    '                                          claude-desktop-windows, claude-code, cursor, vscode or http (with',
    '                                          the start command); the server flags given are carried into it',
    '',
    'Flags (environment variable in brackets):',
  ];
  for (const [name, f] of Object.entries(FLAGS)) {
    const arg = f.type === 'string' ? ' <value>' : '';
    const env = 'env' in f ? ` [${f.env}]` : '';
    lines.push(`  --${name}${arg}`.padEnd(30) + f.help + env);
  }
  lines.push(
    '',
    'Other environment:',
    '  RINGCENTRAL_MCP_HTTP_TOKEN      bearer token required by --http (mandatory off loopback, 16+ characters; or --users or --oauth-issuer instead)',
    '  RINGCENTRAL_MCP_ALLOWED_HOSTS   --http off loopback: Host names to accept (comma list; default any, the token protects)',
    '  RINGCENTRAL_MCP_ALLOWED_ORIGINS --http: browser origins allowed, with CORS (comma list)',
    '  RINGCENTRAL_MCP_MAX_CONNECTIONS --http: open connections in all (default 256; 64 of them unauthenticated at most)',
    '  RINGCENTRAL_MCP_MAX_CONNECTIONS_PER_ADDRESS --http: open connections from one client address (default 32; behind a load balancer, the total)',
    "  RINGCENTRAL_MCP_CONFIRM_SECRET  shared secret so several instances (and `call` runs) accept each other's confirmation tokens",
    '',
    'Logs go to stderr; stdout carries only the protocol.',
  );
  return lines.join('\n');
}

/** Edit distance (insert, delete, replace, swap of neighbours): how far a typo is from a name. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The known name closest to `typed`, when it is close enough to be what was meant. */
export function closest(typed: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(typed.toLowerCase(), name.toLowerCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  // A third of the name, at least 2: "--read-onyl" finds --read-only, "--foo" finds nothing.
  return best && best.distance <= Math.max(2, Math.floor(typed.length / 3)) ? best.name : undefined;
}

const SEE_HELP = 'See ringcentral-mcp --help';

/** Node's strict parse, with its errors turned into one line that names the closest flag and --help. */
function parseFlags(argv: string[], options: NonNullable<Parameters<typeof parseArgs>[0]>['options']) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!code.startsWith('ERR_PARSE_ARGS_')) throw error;
    throw new Error(flagProblem(error as Error), { cause: error });
  }
}

function flagProblem(error: Error & { code?: string }): string {
  const unknown = /Unknown option '([^']+)'/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
    const typed = unknown.replace(/^-+/, '').split('=')[0];
    const guess = closest(typed, Object.keys(FLAGS));
    return `unknown option ${unknown}${guess ? `; did you mean --${guess}?` : '.'} ${SEE_HELP}`;
  }
  // Other parse errors (a value missing, a value given to a switch): Node's first sentence, then --help.
  const first = error.message.split(/(?<=\.)\s/)[0].replace(/\.$/, '');
  return `${first}. ${SEE_HELP}`;
}
