/**
 * SKILL.md against the Agent Skills rules (frontmatter keys, name format equal to the package
 * name, description length and characters, compatibility length, metadata a string map), and
 * against the code: every tool it names exists, every `ringcentral-mcp call` example has valid
 * arguments (the read ones run on the sandbox), and the cross-call token flow it promises works.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tools } from '../../dist/src/index.js';
import { makeSandbox } from '../helpers.js';
import { CLI, ROOT, run } from './helpers.js';

const ALLOWED_KEYS = ['name', 'description', 'license', 'compatibility', 'metadata', 'allowed-tools'];
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string };
const source = readFileSync(join(ROOT, 'SKILL.md'), 'utf8');
const sandbox = makeSandbox();
afterAll(() => sandbox.cleanup());

const unquote = (value: string) => {
  const v = value.trim();
  if (v.startsWith('"')) return JSON.parse(v) as string;
  if (v.startsWith("'")) return v.slice(1, -1).replace(/''/g, "'");
  return v;
};

/**
 * The frontmatter, read strictly: top-level `key: value` scalars and one level of `key:` maps.
 * Anything else (lists, block scalars, anchors) is refused, so the file stays portable.
 */
function frontmatter(text: string): { data: Record<string, unknown>; body: string } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(text);
  if (!m) throw new Error('SKILL.md must start with a --- frontmatter block closed by ---');
  const data: Record<string, unknown> = {};
  let map: Record<string, string> | undefined;
  for (const line of m[1].split(/\r?\n/)) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    const nested = /^ {2}([\w.-]+):\s+(.+)$/.exec(line);
    if (nested && map) {
      map[nested[1]] = unquote(nested[2]);
      continue;
    }
    const top = /^([\w-]+):(?:\s+(.*))?$/.exec(line);
    if (!top) throw new Error(`unsupported frontmatter line: ${JSON.stringify(line)}`);
    if (top[2] === undefined || top[2] === '') {
      map = {};
      data[top[1]] = map;
    } else {
      if (/^[|>[{&*!]/.test(top[2])) throw new Error(`unsupported YAML value for ${top[1]}: ${top[2]}`);
      map = undefined;
      data[top[1]] = unquote(top[2]);
    }
  }
  return { data, body: m[2] };
}

const { data, body } = frontmatter(source);

describe('SKILL.md frontmatter (Agent Skills rules)', () => {
  it('has only the allowed keys, with name and description', () => {
    for (const key of Object.keys(data)) expect(ALLOWED_KEYS, `unknown key ${key}`).toContain(key);
    expect(data.name).toBeTypeOf('string');
    expect(data.description).toBeTypeOf('string');
  });

  it('name: 1-64 lowercase letters, digits and single hyphens, equal to the package name', () => {
    const name = data.name as string;
    expect(name.length).toBeGreaterThanOrEqual(1);
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(name).toBe(pkg.name);
  });

  it('description: 1-1024 characters, no < or >, says what it does and when to use it', () => {
    const description = data.description as string;
    expect(description.length).toBeGreaterThanOrEqual(1);
    expect(description.length).toBeLessThanOrEqual(1024);
    expect(description).not.toMatch(/[<>]/);
    expect(description).toMatch(/\bUse when\b/);
    expect(description).toMatch(/RingCentral/);
  });

  it('optional keys have the right form', () => {
    if (data.license !== undefined) expect(data.license).toBeTypeOf('string');
    if (data.compatibility !== undefined) {
      expect(data.compatibility).toBeTypeOf('string');
      expect((data.compatibility as string).length).toBeLessThanOrEqual(500);
      expect((data.compatibility as string).length).toBeGreaterThan(0);
    }
    if (data.metadata !== undefined) {
      expect(data.metadata).toBeTypeOf('object');
      for (const value of Object.values(data.metadata as object)) expect(value).toBeTypeOf('string');
    }
    if (data['allowed-tools'] !== undefined) expect(data['allowed-tools']).toBeTypeOf('string');
  });

  it('agrees with a full YAML parser when one is installed', async () => {
    let parse: ((text: string) => unknown) | undefined;
    try {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- a plain string, so tsc does not look for a module that may be absent
      parse = ((await import('yaml' as string)) as { parse: (text: string) => unknown }).parse;
    } catch {
      return; // Not a dependency of this project; the strict reader above is the check.
    }
    const yaml = /^---\r?\n([\s\S]*?)\r?\n---/.exec(source)![1];
    expect(parse(yaml)).toEqual(data);
  });
});

describe('SKILL.md body', () => {
  const registry = new Map(tools.map((t) => [t.name, t]));

  it('covers both routes, formats, confirmation, dry run and paging', () => {
    expect(body.trim().length).toBeGreaterThan(0);
    expect(body.split('\n').length).toBeLessThan(500);
    for (const needle of [
      'MCP',
      'ringcentral-mcp call',
      'E.164',
      'ISO 8601',
      '24 hours',
      'confirmation_required',
      'confirmationToken',
      'dryRun',
      'nextCursor',
      'cursor',
    ]) {
      expect(body, needle).toContain(needle);
    }
  });

  it('every tool name it mentions exists in the registry', () => {
    const mentioned = new Set([...source.matchAll(/\bringcentral_[a-z_]+\b/g)].map((m) => m[0]));
    expect(mentioned.size).toBeGreaterThan(10);
    for (const name of mentioned) expect(registry.has(name), `${name} is not a tool`).toBe(true);
  });

  const examples = [...body.matchAll(/^ringcentral-mcp call (\w+) '(.*)'$/gm)].map((m) => ({ tool: m[1], json: m[2] }));

  it('every `ringcentral-mcp call` example names a tool and valid arguments', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const { tool, json } of examples) {
      const def = registry.get(tool);
      expect(def, tool).toBeDefined();
      const parsed = def!.inputSchema.safeParse(JSON.parse(json));
      expect(parsed.success, `${tool} ${json}: ${parsed.error?.message ?? ''}`).toBe(true);
    }
  });

  const call = (tool: string, json: string) =>
    run(process.execPath, [CLI, 'call', tool, json, '--sandbox', '--no-warmup'], {
      // TMPDIR: the per-user confirmation secret of the call route lives in this test's directory.
      env: { ...process.env, ...sandbox.env, TMPDIR: sandbox.dir, RINGCENTRAL_MCP_CONFIRM_SECRET: '' },
    });

  it('the read examples run on the sandbox', async () => {
    for (const { tool, json } of examples.filter((e) => registry.get(e.tool)!.kind === 'read')) {
      const result = await call(tool, json);
      expect(result.code, `${tool}: ${result.stderr}`).toBe(0);
      expect(JSON.parse(result.stdout)).toBeTypeOf('object');
    }
  });

  it('the shell token flow works as written: confirmation_required, then the token in a second call', async () => {
    const sms = examples.find((e) => e.tool === 'ringcentral_send_sms' && !e.json.includes('confirmationToken'))!;
    expect(sms).toBeDefined();
    const first = await call(sms.tool, sms.json);
    expect(first.code, first.stderr).toBe(0);
    const pending = JSON.parse(first.stdout);
    expect(pending.status).toBe('confirmation_required');
    const second = await call(sms.tool, JSON.stringify({ ...JSON.parse(sms.json), confirmationToken: pending.confirmationToken }));
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).status).toBe('done');
    const replay = await call(
      sms.tool,
      JSON.stringify({ ...JSON.parse(sms.json), text: 'changed', confirmationToken: pending.confirmationToken }),
    );
    expect(replay.code).toBe(1);
    expect(replay.stderr).toMatch(/confirmation_invalid/);
  });
});
