/** src/commands/options.ts: flags and environment -> ServerOptions; flags win, bad values are refused. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FLAGS, closest, editDistance, helpText, parseCommandLine, serverOptions } from '../../src/commands/options.js';

const options = (argv: string[], env: NodeJS.ProcessEnv = {}) => serverOptions(parseCommandLine(argv, env).flags);

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('parseCommandLine', () => {
  it('reads nothing from an empty command line and environment', () => {
    expect(parseCommandLine([], {})).toEqual({ flags: {}, positionals: [] });
  });

  it('keeps positionals (sub-commands) apart from flags', () => {
    const { flags, positionals } = parseCommandLine(['call', 'ringcentral_status', '{}', '--sandbox'], {});
    expect(positionals).toEqual(['call', 'ringcentral_status', '{}']);
    expect(flags).toEqual({ sandbox: true });
  });

  it('accepts --flag value and --flag=value', () => {
    expect(parseCommandLine(['--timeout', '5000', '--confirm=token'], {}).flags).toEqual({ timeout: '5000', confirm: 'token' });
  });

  it('reads the environment', () => {
    const env = { RINGCENTRAL_MCP_TIMEOUT_MS: '9000', RINGCENTRAL_CONNECTION_ID: 'conn1', MEMBRANE_CLI: '/opt/membrane' };
    expect(parseCommandLine([], env).flags).toEqual({ timeout: '9000', 'connection-id': 'conn1', membrane: '/opt/membrane' });
  });

  it('flags beat the environment', () => {
    const env = { RINGCENTRAL_MCP_TIMEOUT_MS: '9000', RINGCENTRAL_MCP_CONFIRM: 'off', RINGCENTRAL_MCP_TOOLSETS: 'calls' };
    const { flags } = parseCommandLine(['--timeout', '7000', '--confirm', 'elicit', '--toolsets', 'messaging'], env);
    expect(flags).toMatchObject({ timeout: '7000', confirm: 'elicit', toolsets: 'messaging' });
  });

  it('a boolean flag beats a false environment value', () => {
    expect(parseCommandLine(['--read-only'], { RINGCENTRAL_MCP_READ_ONLY: 'false' }).flags['read-only']).toBe(true);
  });

  it.each(['1', 'true', 'TRUE', 'yes', 'on', 'On'])('environment boolean %j is true', (value) => {
    expect(parseCommandLine([], { RINGCENTRAL_MCP_READ_ONLY: value }).flags['read-only']).toBe(true);
  });

  it.each(['0', 'false', 'no', 'off', 'nope'])('environment boolean %j is false', (value) => {
    const { flags } = parseCommandLine([], { RINGCENTRAL_MCP_READ_ONLY: value });
    expect(flags['read-only']).toBe(false);
    expect(serverOptions(flags).readOnly).toBe(false);
  });

  it('an empty environment value counts as unset', () => {
    expect(parseCommandLine([], { RINGCENTRAL_MCP_READ_ONLY: '', RINGCENTRAL_MCP_TIMEOUT_MS: '' }).flags).toEqual({});
  });

  it('refuses unknown flags and a missing value, naming the closest flag and --help', () => {
    expect(() => parseCommandLine(['--reed-only'], {})).toThrow(
      'unknown option --reed-only; did you mean --read-only? See ringcentral-mcp --help',
    );
    expect(() => parseCommandLine(['--read-onyl'], {})).toThrow('did you mean --read-only?');
    expect(() => parseCommandLine(['--redis-ulr=redis://x'], {})).toThrow('unknown option --redis-ulr; did you mean --redis-url?');
    expect(() => parseCommandLine(['--frobnicate'], {})).toThrow('unknown option --frobnicate. See ringcentral-mcp --help');
    expect(() => parseCommandLine(['--timeout'], {})).toThrow("Option '--timeout <value>' argument missing. See ringcentral-mcp --help");
  });

  it('short flags -h and -v', () => {
    expect(parseCommandLine(['-h'], {}).flags.help).toBe(true);
    expect(parseCommandLine(['-v'], {}).flags.version).toBe(true);
  });
});

describe('serverOptions', () => {
  it('defaults when nothing is given', () => {
    const o = options([]);
    expect(o).toMatchObject({ sandbox: false, readOnly: false, warmup: true });
    expect(o.timeoutMs).toBeUndefined();
    expect(o.toolsets).toBeUndefined();
    expect(o.confirm).toBeUndefined();
  });

  it('maps every flag', () => {
    const o = options([
      '--sandbox',
      '--read-only',
      '--no-warmup',
      '--membrane',
      '/bin/membrane',
      '--connection-id',
      'c_1.2:3-x',
      '--confirm',
      'token',
      '--timeout',
      '100',
      '--max-concurrency',
      '1',
      '--max-result-chars',
      '1000',
      '--toolsets',
      'messaging,calls',
      '--tools',
      'ringcentral_status',
    ]);
    expect(o).toMatchObject({
      sandbox: true,
      readOnly: true,
      warmup: false,
      membrane: '/bin/membrane',
      connectionId: 'c_1.2:3-x',
      confirm: 'token',
      timeoutMs: 100,
      maxConcurrency: 1,
      maxResultChars: 1000,
      toolsets: ['messaging', 'calls'],
      tools: ['ringcentral_status'],
    });
  });

  it('environment booleans reach the options', () => {
    expect(options([], { RINGCENTRAL_MCP_SANDBOX: 'yes', RINGCENTRAL_MCP_NO_WARMUP: '1' })).toMatchObject({ sandbox: true, warmup: false });
  });

  it('a toolsets list is trimmed and empty entries dropped', () => {
    expect(options(['--toolsets', ' messaging , contacts,,calls ,']).toolsets).toEqual(['messaging', 'contacts', 'calls']);
    expect(options([], { RINGCENTRAL_MCP_TOOLSETS: 'chats,meetings' }).toolsets).toEqual(['chats', 'meetings']);
  });

  it.each(['auto', 'elicit', 'token', 'off'])('accepts --confirm %s', (mode) => {
    expect(options(['--confirm', mode]).confirm).toBe(mode);
  });

  it.each(['', 'none', 'OFF', 'yes'])('refuses --confirm %j, listing the modes', (mode) => {
    expect(() => options([`--confirm=${mode}`])).toThrow(/--confirm must be one of auto, elicit, token, off/);
  });

  it.each(['auto', 'action', 'rest'])('accepts --route %s, and RINGCENTRAL_MCP_ROUTE', (mode) => {
    expect(options(['--route', mode]).route).toBe(mode);
    expect(options([], { RINGCENTRAL_MCP_ROUTE: mode }).route).toBe(mode);
  });

  it('--route wins over RINGCENTRAL_MCP_ROUTE; none given leaves the default (auto) to the runtime', () => {
    expect(options(['--route', 'rest'], { RINGCENTRAL_MCP_ROUTE: 'action' }).route).toBe('rest');
    expect(options([]).route).toBeUndefined();
  });

  it.each(['REST', 'membrane', ''])('refuses --route %j, listing the routes', (mode) => {
    expect(() => options([`--route=${mode}`])).toThrow('--route must be one of auto, action, rest, got ' + mode);
  });

  it('refuses a bad --confirm from the environment too', () => {
    expect(() => options([], { RINGCENTRAL_MCP_CONFIRM: 'always' })).toThrow(/--confirm/);
  });

  it.each([
    ['--timeout', 'abc'],
    ['--timeout', '99'],
    ['--timeout', '1.5'],
    ['--timeout', '-1000'],
    ['--max-concurrency', '0'],
    ['--max-concurrency', 'four'],
    ['--max-concurrency', '2.5'],
    ['--max-result-chars', '999'],
    ['--max-result-chars', 'Infinity'],
  ])('refuses %s %s, naming the flag', (flag, value) => {
    expect(() => options([`${flag}=${value}`])).toThrow(new RegExp(`${flag} must be a whole number >= \\d+, got ${value}`));
  });

  it('refuses bad numbers from the environment, naming the flag', () => {
    expect(() => options([], { RINGCENTRAL_MCP_MAX_CONCURRENCY: '0' })).toThrow(/--max-concurrency/);
  });

  it('accepts numbers at their minimum', () => {
    expect(options(['--timeout', '100', '--max-concurrency', '1', '--max-result-chars', '1000'])).toMatchObject({
      timeoutMs: 100,
      maxConcurrency: 1,
      maxResultChars: 1000,
    });
  });

  it.each(['--help', '-x', 'a b', 'a/b', '', 'x'.repeat(129)])('refuses --connection-id %j', (id) => {
    expect(() => options([`--connection-id=${id}`])).toThrow(/--connection-id/);
  });

  it('takes --redis-url (or RINGCENTRAL_MCP_REDIS_URL) and refuses anything but a redis URL, hiding a password', () => {
    expect(options(['--redis-url', 'redis://10.0.0.5:6379/2']).redisUrl).toBe('redis://10.0.0.5:6379/2');
    expect(options([], { RINGCENTRAL_MCP_REDIS_URL: 'rediss://user:pw@cache.internal:6380' }).redisUrl).toBe(
      'rediss://user:pw@cache.internal:6380',
    );
    expect(options([]).redisUrl).toBeUndefined();
    expect(() => options(['--redis-url', 'http://user:hunter2@cache:6379'])).toThrow(
      '--redis-url must be a redis:// or rediss:// URL, got "http://user:***@cache:6379"',
    );
  });

  it('reads the users file path for --http from --users or RINGCENTRAL_MCP_USERS', () => {
    expect(parseCommandLine(['--users', '/etc/rc/users.json'], {}).flags.users).toBe('/etc/rc/users.json');
    expect(parseCommandLine([], { RINGCENTRAL_MCP_USERS: '/srv/users.json' }).flags.users).toBe('/srv/users.json');
  });

  it('reads the shared confirmation secret from the environment', () => {
    vi.stubEnv('RINGCENTRAL_MCP_CONFIRM_SECRET', 's3cret');
    expect(options([]).confirmSecret).toBe('s3cret');
    vi.stubEnv('RINGCENTRAL_MCP_CONFIRM_SECRET', '');
    expect(options([]).confirmSecret).toBeUndefined();
  });
});

describe('helpText', () => {
  it('documents every flag with its environment variable', () => {
    const text = helpText();
    for (const [name, flag] of Object.entries(FLAGS)) {
      expect(text).toContain(`--${name}`);
      if ('env' in flag) expect(text).toContain(flag.env);
    }
  });
});

describe('closest', () => {
  it('edit distance counts inserts, deletes, replacements and swapped neighbours as one each', () => {
    expect(editDistance('read-only', 'read-only')).toBe(0);
    expect(editDistance('read-onyl', 'read-only')).toBe(1);
    expect(editDistance('sandbx', 'sandbox')).toBe(1);
    expect(editDistance('sandboxx', 'sandbox')).toBe(1);
    expect(editDistance('tolset', 'toolsets')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests a name only when the typo is near it', () => {
    const names = Object.keys(FLAGS);
    expect(closest('read-onyl', names)).toBe('read-only');
    expect(closest('READ-ONLY', names)).toBe('read-only');
    expect(closest('tool', names)).toBe('tools');
    expect(closest('frobnicate', names)).toBeUndefined();
    expect(closest('q', names)).toBeUndefined();
    expect(closest('xyz', ['doctor', 'setup'])).toBeUndefined();
  });
});
