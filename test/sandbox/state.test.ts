import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CID, ROOT, sandbox as makeSandbox } from './helpers.js';

const DAY = 86_400_000;
/** A sandbox whose temp dir is removed when the test ends. */
function sandbox(extraEnv: Record<string, string> = {}) {
  const sb = makeSandbox(extraEnv);
  onTestFinished(() => sb.cleanup());
  return sb;
}

/** A process that takes the state lock through the sandbox's own code and holds it, alive, for `ms`. */
function slowHolder(state: string, ms: number): { pid: number; held: Promise<void>; result: Promise<string> } {
  const lock = join(ROOT, 'dist/src/sandbox/lock.js');
  const sleep = join(ROOT, 'dist/src/sandbox/sleep.js');
  const script = `const { withLock } = await import(${JSON.stringify(lock)}); const { sleepSync } = await import(${JSON.stringify(sleep)});
const { readFileSync } = await import('node:fs');
withLock(${JSON.stringify(state)}, () => { process.stdout.write('held\\n'); const mine = readFileSync(${JSON.stringify(`${state}.lock`)}, 'utf8'); sleepSync(${ms});
process.stdout.write(readFileSync(${JSON.stringify(`${state}.lock`)}, 'utf8') === mine ? 'kept\\n' : 'taken\\n'); });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let onHeld: () => void = () => undefined;
  let onExit: (reason: Error) => void = () => undefined;
  const held = new Promise<void>((resolve, reject) => ((onHeld = resolve), (onExit = reject)));
  child.stdout.on('data', (d: Buffer) => {
    out += String(d);
    if (out.includes('held')) onHeld();
  });
  const result = new Promise<string>((resolve) =>
    child.on('close', (code) => {
      onExit(new Error(`the lock holder exited with ${code} before it held the lock`));
      resolve(out);
    }),
  );
  return { pid: child.pid!, held, result };
}

describe('state', () => {
  it('50 processes creating contacts at once lose none and never corrupt the file', async () => {
    const sb = sandbox();
    await sb.ok(['reset', '--json']);
    const before = (await sb.actOk('list-contacts', { perPage: 1000 })).records.length;
    const runs = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        sb.act('create-contact', { firstName: 'Concurrent', lastName: `N${i}`, email: `c${i}@example.com` }),
      ),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const ids = runs.map((r) => r.json.output.id);
    expect(new Set(ids).size).toBe(50);
    const after = (await sb.actOk('list-contacts', { perPage: 1000 })).records;
    expect(after.length).toBe(before + 50);
    const names = new Set(after.filter((c: any) => c.firstName === 'Concurrent').map((c: any) => c.lastName));
    expect(names.size).toBe(50);
    const text = readFileSync(sb.state, 'utf8');
    expect(() => JSON.parse(text)).not.toThrow();
    expect(text).not.toContain('\n  '); // compact
    expect(readdirSync(sb.dir).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock'))).toEqual([]);
  }, 240_000); // a safety net for a loaded machine, not a speed check

  it('reset (or deleting the file) restores the seed; the seed is deterministic for one anchor', async () => {
    const a = sandbox();
    const b = sandbox();
    const [la, lb] = await Promise.all([a.actOk('list-contacts', { perPage: 1000 }), b.actOk('list-contacts', { perPage: 1000 })]);
    expect(la).toEqual(lb);
    const c = await a.actOk('create-contact', { firstName: 'Temp' });
    await a.ok(['reset', '--json']);
    const afterReset = await a.actOk('list-contacts', { perPage: 1000 });
    expect(afterReset).toEqual(la);
    expect(afterReset.records.some((x: any) => x.id === c.id)).toBe(false);
    await a.actOk('create-contact', { firstName: 'Temp2' });
    unlinkSync(a.state);
    expect(await a.actOk('list-contacts', { perPage: 1000 })).toEqual(la);
  });

  it('without MEMBRANE_SANDBOX_NOW the seed is anchored at creation time, so the 24 h windows have records', async () => {
    const sb = sandbox();
    const t = Date.now();
    const env = { env: { MEMBRANE_SANDBOX_NOW: undefined } };
    const r = await sb.run(['action', 'run', 'list-messages', '--connectionId', CID, '--json'], env);
    expect(r.code).toBe(0);
    expect(r.json.output.records.length).toBeGreaterThan(0);
    const newest = Date.parse(r.json.output.records[0].creationTime);
    expect(newest).toBeLessThanOrEqual(Date.now());
    expect(newest).toBeGreaterThan(t - 86_400_000);
    const calls = await sb.run(['action', 'run', 'get-call-log', '--connectionId', CID, '--json'], env);
    expect(calls.json.output.records.length).toBeGreaterThan(0);
  });

  it("the default state file lives under the temp dir (a temp dir of this test, never the user's)", async () => {
    const sb = sandbox();
    const tmp = join(sb.dir, 'tmp');
    const r = await sb.run(['action', 'run', 'get-account-info', '--connectionId', CID, '--json'], {
      env: { MEMBRANE_SANDBOX_STATE: undefined, TMPDIR: tmp },
    });
    expect(r.code).toBe(0);
    const uid = process.getuid ? process.getuid() : 'user';
    expect(readdirSync(join(tmp, `membrane-sandbox-${uid}`))).toEqual(['state.json', 'state.json.runs.jsonl']);
  });

  // Another local user (uid 65534) made the folder first; only root can make a folder theirs.
  it.runIf(process.getuid?.() === 0)(
    'a default folder another local user planted is neither read nor written; the state goes to ~/.cache',
    async () => {
      const sb = sandbox();
      const tmp = join(sb.dir, 'tmp');
      const home = join(sb.dir, 'home');
      const planted = join(tmp, `membrane-sandbox-${process.getuid!()}`);
      mkdirSync(planted, { recursive: true, mode: 0o700 });
      writeFileSync(join(planted, 'state.json'), 'planted by someone else');
      chownSync(join(planted, 'state.json'), 65534, 65534);
      chownSync(planted, 65534, 65534);
      const r = await sb.run(['action', 'run', 'get-account-info', '--connectionId', CID, '--json'], {
        env: { MEMBRANE_SANDBOX_STATE: undefined, TMPDIR: tmp, HOME: home, XDG_RUNTIME_DIR: undefined },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(readdirSync(planted)).toEqual(['state.json']);
      expect(readFileSync(join(planted, 'state.json'), 'utf8')).toBe('planted by someone else');
      expect(readdirSync(join(home, '.cache', 'membrane-sandbox'))).toEqual(['state.json', 'state.json.runs.jsonl']);
    },
  );

  it.runIf(process.getuid?.() === 0)('a state folder another user owns or can write is refused, naming the fix', async () => {
    const sb = sandbox();
    const theirs = join(sb.dir, 'theirs');
    mkdirSync(theirs, { mode: 0o700 });
    chownSync(theirs, 65534, 65534);
    const open = join(sb.dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    for (const [dir, why] of [
      [theirs, 'belongs to another user (uid 65534)'],
      [open, 'is open to other users (mode 777)'],
    ] as const) {
      const r = await sb.run(['action', 'run', 'get-account-info', '--connectionId', CID, '--json'], {
        env: { MEMBRANE_SANDBOX_STATE: join(dir, 'state.json') },
      });
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).toContain(
        `the sandbox state folder ${dir} ${why}; remove it, or set MEMBRANE_SANDBOX_STATE to a file in a folder of your own`,
      );
      expect(existsSync(join(dir, 'state.json'))).toBe(false);
    }
  });

  it("a state created days ago still shows the last 24 hours; the user's own writes keep their times", async () => {
    const sb = sandbox();
    const created = new Date(Date.now() - 9 * DAY).toISOString();
    const then = { env: { MEMBRANE_SANDBOX_NOW: created } };
    const now = { env: { MEMBRANE_SANDBOX_NOW: undefined } };
    await sb.ok(['reset', '--json'], then);
    const sent = await sb.actOk(
      'send-sms',
      { from: { phoneNumber: '+16505550101' }, to: [{ phoneNumber: '+14155550177' }], text: 'Sent long ago' },
      then,
    );
    expect(sent.creationTime).toBe(created);
    const seeded = (await sb.actOk('list-messages', { perPage: 1000 }, then)).records.find((m: any) => m.id !== sent.id);
    const t0 = Date.now();
    const [messages, calls, seededNow, sentNow] = await Promise.all([
      sb.actOk('list-messages', { perPage: 1000 }, now),
      sb.actOk('get-call-log', { perPage: 1000 }, now),
      sb.actOk('get-message', { messageId: String(seeded.id) }, now),
      sb.actOk('get-message', { messageId: String(sent.id) }, now),
    ]);
    const t1 = Date.now();
    expect([...new Set(messages.records.map((m: any) => m.type))].sort()).toEqual(['Fax', 'SMS', 'VoiceMail']);
    for (const m of messages.records) {
      expect(Date.parse(m.creationTime)).toBeGreaterThanOrEqual(t0 - DAY);
      expect(Date.parse(m.creationTime)).toBeLessThanOrEqual(t1);
    }
    expect(calls.records.length).toBeGreaterThan(0);
    for (const c of calls.records) expect(Date.parse(c.startTime)).toBeGreaterThanOrEqual(t0 - DAY);
    // Seeded activity moves in whole hours (two reads a moment apart agree), never past now.
    const HOUR = 3_600_000;
    const moved = Date.parse(seededNow.creationTime) - Date.parse(seeded.creationTime);
    expect(moved % HOUR).toBe(0);
    expect(moved).toBeGreaterThan(t0 - Date.parse(created) - HOUR);
    expect(moved).toBeLessThanOrEqual(t1 - Date.parse(created));
    expect(sentNow.creationTime).toBe(created);
    expect(messages.records.some((m: any) => m.id === sent.id)).toBe(false);
    expect(await sb.actOk('get-message', { messageId: String(seeded.id) }, now)).toEqual(seededNow);
  });

  it('a state from an older version is replaced by a fresh seed, for reads and writes alike, with a note on stderr', async () => {
    const sb = sandbox();
    const seeded = await sb.actOk('list-contacts', { perPage: 1000 });
    const old = { ...JSON.parse(readFileSync(sb.state, 'utf8')), v: 1, contacts: [] };
    writeFileSync(sb.state, JSON.stringify(old));
    const read = await sb.act('list-contacts', { perPage: 1000 });
    expect(read.code).toBe(0);
    // Said once, though a read looks at the file twice.
    expect(read.stderr.match(/is from an older version; starting from a fresh seed/g)).toHaveLength(1);
    expect(read.json.output).toEqual(seeded);
    writeFileSync(sb.state, JSON.stringify(old));
    const created = await sb.actOk('create-contact', { firstName: 'After', lastName: 'Upgrade' });
    const after = (await sb.actOk('list-contacts', { perPage: 1000 })).records;
    expect(after.length).toBe(seeded.records.length + 1);
    expect(after.some((c: any) => c.id === created.id)).toBe(true);
    expect(JSON.parse(readFileSync(sb.state, 'utf8')).v).toBeGreaterThan(1);
  });

  it('a corrupt state file is reported (not overwritten) until reset', async () => {
    const sb = sandbox();
    await sb.ok(['reset', '--json']);
    writeFileSync(sb.state, '{"half": ');
    const r = await sb.act('get-account-info');
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ type: 'internal', key: 'state_corrupt' });
    expect(r.json.message).toContain('reset');
    await sb.ok(['reset', '--json']);
    expect((await sb.act('get-account-info')).code).toBe(0);
  });

  it('one field per line: a list is read when a command needs it, a broken one is reported then, and writes keep the rest as it was', async () => {
    const sb = sandbox();
    await sb.ok(['reset', '--json']);
    const lines = readFileSync(sb.state, 'utf8').split('\n');
    const calls = lines.find((l) => l.startsWith('"calls":'))!;
    // A write that never reads the call log leaves its line byte for byte; the file stays one JSON object.
    await sb.actOk('create-contact', { firstName: 'Line', lastName: 'Kept' });
    const written = readFileSync(sb.state, 'utf8');
    expect(written.split('\n')).toContain(calls);
    expect(JSON.parse(written).contacts.some((c: any) => c.lastName === 'Kept')).toBe(true);
    writeFileSync(sb.state, written.replace(/^"messages":.*$/m, '"messages":[1,2],'));
    const r = await sb.act('list-messages', {});
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ type: 'internal', key: 'state_corrupt' });
    expect(r.json.message).toContain('reset');
    await sb.ok(['reset', '--json']);
    expect((await sb.act('list-messages', {})).code).toBe(0);
  });

  it('a stale lock left by a killed process is taken over', async () => {
    const sb = sandbox();
    await sb.ok(['reset', '--json']);
    const lock = `${sb.state}.lock`;
    writeFileSync(lock, '999999:dead:0');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const r = await sb.act('create-contact', { firstName: 'AfterStaleLock' });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(lock)).toBe(false);
  });

  it('a live holder keeps the lock however long it takes, even paused; the writers waiting on it lose nothing', async () => {
    const sb = sandbox();
    await sb.ok(['reset', '--json']);
    const before = (await sb.actOk('list-contacts', { perPage: 1000 })).records.length;
    const holder = slowHolder(sb.state, 500);
    await holder.held;
    // Paused (SIGSTOP), as a loaded machine can stall a writer: longer than any fixed staleness
    // limit, yet alive, so the lock stays its own.
    process.kill(holder.pid, 'SIGSTOP');
    const resume = () => {
      try {
        process.kill(holder.pid, 'SIGCONT');
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(resume, 6_000);
    let runs: Awaited<ReturnType<typeof sb.act>>[];
    try {
      runs = await Promise.all(Array.from({ length: 12 }, (_, i) => sb.act('create-contact', { firstName: 'Waiting', lastName: `W${i}` })));
    } finally {
      // Never leave a stopped process behind, whatever happened.
      clearTimeout(timer);
      resume();
    }
    expect(await holder.result).toBe('held\nkept\n');
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(new Set(runs.map((r) => r.json.output.id)).size).toBe(12);
    const after = (await sb.actOk('list-contacts', { perPage: 1000 })).records;
    expect(after.length).toBe(before + 12);
    expect(
      after
        .filter((c: any) => c.firstName === 'Waiting')
        .map((c: any) => c.lastName)
        .sort(),
    ).toEqual(Array.from({ length: 12 }, (_, i) => `W${i}`).sort());
  });

  it('a lock naming a process that no longer exists is taken over at once, however fresh', async () => {
    const sb = sandbox();
    await sb.ok(['reset', '--json']);
    const lock = `${sb.state}.lock`;
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => dead.on('close', resolve));
    writeFileSync(lock, `${dead.pid}::gone`);
    const r = await sb.act('create-contact', { firstName: 'AfterDeadHolder' });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(lock)).toBe(false);
  });

  it('MEMBRANE_SANDBOX_LOG gets one JSON line per invocation with pid, argv and time', async () => {
    const sb = sandbox();
    const log = join(sb.dir, 'calls.log');
    const env = { env: { MEMBRANE_SANDBOX_LOG: log } };
    await Promise.all([
      sb.run(['--version'], env),
      sb.run(['status'], env),
      sb.run(['action', 'run', 'get-account-info', '--connectionId', CID, '--json'], env),
    ]);
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    for (const l of lines) {
      expect(l.pid).toBeTypeOf('number');
      expect(l.t).toBeTypeOf('number');
      expect(Array.isArray(l.argv)).toBe(true);
    }
    expect(lines.map((l) => l.argv[0]).sort()).toEqual(['--version', 'action', 'status']);
    expect(lines.find((l) => l.argv[0] === 'action').argv).toEqual(['action', 'run', 'get-account-info', '--connectionId', CID, '--json']);
  });
});
