/**
 * The state store of one machine: one file per key in a private folder of the user's temp dir,
 * shared by every process of that user (the `call` route, stdio servers, HTTP instances).
 * A key is created with link(2), which fails when the name exists, so two processes never both
 * create it; a file is written whole under another name first, so nobody reads half a record.
 */
import { createHash, randomBytes } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { link, lstat, mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { userInfo } from 'node:os';
import { privateFolder } from '../private-folder.js';
import type { StateStore, StoreMemory } from './store.js';

interface Entry {
  id: string;
  expiresAt: number;
  value: string;
}

/**
 * This user's private folder of the server (the state store, the `call` route's secret):
 * `<temp dir>/ringcentral-mcp-<uid>`, or, when another local user made that one first,
 * `$XDG_RUNTIME_DIR/ringcentral-mcp` or `~/.cache/ringcentral-mcp`. Closed to everyone else (0700).
 */
export const userFolder = (): string => privateFolder('ringcentral-mcp', userInfo().uid, process.env, 0o077);

const PRUNE_EVERY_MS = 60_000;
/** The names this store writes: a record (hashed key), a temp file, a record moved aside. Prune touches nothing else. */
const RECORD = /^[0-9a-f]{40}$/;
const LEFTOVER = /^(\.tmp-[0-9a-f]{16}|[0-9a-f]{40}\.old-[0-9a-f]{12})$/;
const missing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';
const exists = (error: unknown) => (error as NodeJS.ErrnoException).code === 'EEXIST';

export class FileStore implements StateStore {
  readonly description: string;
  private ready?: Promise<void>;
  private opened = false;
  private lastPrune = 0;
  /** Sees every record written, replaced or removed in the folder, by any process (see changes). */
  private watcher?: FSWatcher;
  private changeCount = 0;

  constructor(private readonly dir: string) {
    this.description = `files in ${dir}`;
  }

  async create(key: string, value: string, ttlMs: number): Promise<boolean> {
    await this.open();
    const file = this.fileOf(key);
    // A few rounds: an expired record is removed, then the name is tried again.
    for (let round = 0; round < 4; round++) {
      if (await this.linkNew(file, this.entry(value, ttlMs))) return true;
      const current = await this.read(file);
      if (current === undefined) continue;
      if (current.expiresAt > Date.now()) return false;
      await this.removeIf(file, current.id);
    }
    return false;
  }

  async get(key: string): Promise<string | undefined> {
    await this.open();
    const entry = await this.read(this.fileOf(key));
    return entry && entry.expiresAt > Date.now() ? entry.value : undefined;
  }

  async put(key: string, value: string, ttlMs: number): Promise<void> {
    await this.open();
    const temp = this.tempName();
    await writeFile(temp, this.entry(value, ttlMs), { mode: 0o600 });
    await rename(temp, this.fileOf(key));
  }

  async delete(key: string): Promise<void> {
    await this.open();
    await unlink(this.fileOf(key)).catch((error: unknown) => {
      if (!missing(error)) throw error;
    });
  }

  async deleteIf(key: string, value: string): Promise<void> {
    await this.open();
    const file = this.fileOf(key);
    const current = await this.read(file);
    if (current?.value === value) await this.removeIf(file, current.id);
  }

  /** Files stay until removed; a reboot that clears the temp dir also ends every process that knew of them. */
  async memory(): Promise<StoreMemory> {
    return { since: 0, afterLoss: false };
  }

  async reachable(): Promise<boolean> {
    try {
      await this.open();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Every write replaces or links a file in the folder, and the kernel tells this process of it
   * (inotify, FSEvents, ReadDirectoryChangesW): a change by another process of the user is counted
   * within one turn of this process's event loop. Undefined until the folder exists, and when the
   * platform cannot watch it (then readers read the store, as before).
   */
  changes(): number | undefined {
    if (!this.watcher && this.opened) this.watchFolder();
    return this.watcher ? this.changeCount : undefined;
  }

  async close(): Promise<void> {
    this.watcher?.close();
    this.watcher = undefined;
  }

  private watchFolder(): void {
    try {
      // Not persistent: watching never keeps the process alive.
      const watcher = watch(this.dir, { persistent: false }, () => this.changeCount++);
      watcher.on('error', () => {
        watcher.close();
        this.watcher = undefined;
        this.changeCount++; // what was read before the loss may be stale
      });
      this.watcher = watcher;
    } catch {
      this.watcher = undefined; // no watch (a limit reached): readers read the store
    }
  }

  private open(): Promise<void> {
    return (this.ready ??= this.makeDir().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    })).then(() => this.pruneNow());
  }

  /**
   * A private folder: created 0700; it and its parent (the user's `ringcentral-mcp-<uid>` folder in
   * the shared temp dir) are refused when they are symlinks, belong to another user or are open to
   * others. Whoever controls either could read the records, plant a "sent" one, or point the
   * folder at a directory of ours whose files pruning would then remove.
   */
  private async makeDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    if (process.platform !== 'win32') await this.checkPrivate();
    this.opened = true;
  }

  private async checkPrivate(): Promise<void> {
    for (const dir of [dirname(this.dir), this.dir]) {
      const info = await lstat(dir);
      const why = !info.isDirectory()
        ? 'is not a directory (a symlink?)'
        : info.uid !== process.getuid?.()
          ? `belongs to another user (uid ${info.uid})`
          : (info.mode & 0o077) !== 0
            ? `is open to other users (mode ${(info.mode & 0o777).toString(8)})`
            : undefined;
      if (why) throw new Error(`${dir} ${why}; remove it (rm -r ${dir}) and run again`);
    }
  }

  private fileOf(key: string): string {
    return join(this.dir, createHash('sha256').update(key).digest('hex').slice(0, 40));
  }

  private tempName(): string {
    return join(this.dir, `.tmp-${randomBytes(8).toString('hex')}`);
  }

  private entry(value: string, ttlMs: number): string {
    return JSON.stringify({ id: randomBytes(8).toString('hex'), expiresAt: Date.now() + ttlMs, value } satisfies Entry);
  }

  /** Creates `file` with `content` unless it exists. */
  private async linkNew(file: string, content: string): Promise<boolean> {
    const temp = this.tempName();
    await writeFile(temp, content, { mode: 0o600 });
    try {
      await link(temp, file);
      return true;
    } catch (error) {
      if (exists(error)) return false;
      throw error;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }

  private async read(file: string): Promise<Entry | undefined> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (missing(error)) return undefined;
      throw error;
    }
    try {
      const entry = JSON.parse(text) as Entry;
      if (typeof entry.id === 'string' && typeof entry.expiresAt === 'number' && typeof entry.value === 'string') return entry;
    } catch {
      // Unreadable: treated as expired below, so it is replaced rather than blocking forever.
    }
    return { id: '', expiresAt: 0, value: '' };
  }

  /**
   * Removes `file` only if it still holds the record `id`: it is moved aside first and checked,
   * and a newer record moved aside by mistake (another process replaced it meanwhile) goes back.
   */
  private async removeIf(file: string, id: string): Promise<void> {
    const aside = `${file}.old-${randomBytes(6).toString('hex')}`;
    try {
      await rename(file, aside);
    } catch (error) {
      if (missing(error)) return;
      throw error;
    }
    const moved = await this.read(aside);
    if (moved && moved.id !== id && moved.expiresAt > Date.now()) await link(aside, file).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
  }

  /** Expired records and leftovers go, at most once a minute per process. */
  private async pruneNow(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    try {
      for (const name of await readdir(this.dir)) {
        const file = join(this.dir, name);
        if (LEFTOVER.test(name)) {
          if ((await stat(file)).mtimeMs < now - PRUNE_EVERY_MS) await unlink(file);
          continue;
        }
        if (!RECORD.test(name)) continue; // not ours: never removed
        const entry = await this.read(file);
        if (entry && entry.expiresAt < now) await this.removeIf(file, entry.id);
      }
    } catch {
      // Best effort: a record left behind costs a few bytes and is ignored once expired.
    }
  }
}
