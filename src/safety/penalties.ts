/**
 * RingCentral's rate-limit penalty windows (no hammering). They live in the state store, so every
 * process of the user (files) or every instance (Redis) shares them, and this process keeps what
 * it read in memory, so a warm call asks nothing of the store.
 */
import { ToolError } from '../errors.js';
import type { StateStore } from '../state/store.js';

/**
 * The longest a group's view is kept even while the store reports no change: a bound on staleness
 * should a change go unseen. Within it, a warm call makes no round trip to the store.
 */
export const VIEW_MAX_AGE_MS = 5_000;

/** What the store said of one group: the window's end (NaN for none, undefined when the store did not answer). */
interface View {
  end: number | undefined;
  /** When it was read, and the store's change count then. */
  at: number;
  change: number;
}

/**
 * Penalty windows after a 429. Every request inside RingCentral's window restarts it, so calls
 * of that group fail fast here instead of reaching the CLI. A penalty is a courtesy to
 * RingCentral, not a safety check: when the store does not answer, this process still honours the
 * penalties it noted itself, and other calls go ahead.
 *
 * Staleness: a group's window is read from the store once and kept while the store's change count
 * (`StateStore.changes`: files are watched, Redis announces on a channel) stays where it was, and
 * for at most VIEW_MAX_AGE_MS. So a penalty noted by another process or instance is honoured as soon
 * as its change reaches this process (one event-loop turn for files, one network hop for Redis),
 * and within VIEW_MAX_AGE_MS even if that notice were lost; a store that cannot tell is read on
 * every call. This process's own note drops its view, so its next call reads the window it wrote.
 */
export class Penalties {
  /** The ends of the windows this process noted, for when the store does not answer. */
  private readonly noted = new Map<string, number>();
  private readonly views = new Map<string, View>();
  /** Counts this process's notes: a read begun before one is not kept. */
  private notes = 0;

  constructor(private readonly store: StateStore) {}

  async check(group: string): Promise<void> {
    const view = this.kept(group) ?? (await this.read(group));
    const left = Math.ceil(((view.end ?? this.noted.get(group) ?? NaN) - Date.now()) / 1000);
    if (!(left > 0)) return;
    throw new ToolError(
      'rate_limited',
      `RingCentral's ${group} rate-limit penalty is still running; not sent, because a request now would restart it`,
      {
        retryAfterSeconds: left,
        fix: `wait ${left} s; other kinds of calls still work`,
      },
    );
  }

  async note(group: string, seconds: number): Promise<void> {
    this.noted.set(group, Date.now() + seconds * 1000);
    this.forget(group);
    try {
      await this.store.put(`penalty:${group}`, String(Date.now() + seconds * 1000), seconds * 1000);
      await this.store.announce?.();
    } catch (error) {
      process.stderr.write(
        `ringcentral-mcp: could not share a rate-limit penalty through ${this.store.description}: ${(error as Error).message}\n`,
      );
    } finally {
      this.forget(group); // a read that overlapped the write is not kept either
    }
  }

  /** The group's view while the store reports no change since it was read, and it is young enough. */
  private kept(group: string): View | undefined {
    const view = this.views.get(group);
    if (!view || view.change !== this.store.changes?.()) return undefined;
    return Date.now() - view.at < VIEW_MAX_AGE_MS ? view : undefined;
  }

  private async read(group: string): Promise<View> {
    // Taken before the read: a change that lands during it leaves the view stale, so it is read again.
    const change = this.store.changes?.();
    const notes = this.notes;
    const at = Date.now();
    const end = await this.store.get(`penalty:${group}`).then(Number, () => undefined);
    const view = { end, at, change: change ?? NaN };
    if (change !== undefined && notes === this.notes) this.views.set(group, view);
    return view;
  }

  private forget(group: string): void {
    this.notes++;
    this.views.delete(group);
  }
}
