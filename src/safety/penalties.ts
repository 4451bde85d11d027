/**
 * RingCentral's rate-limit penalty windows (no hammering). They live in the state store, so every
 * process of the user (files) or every instance (Redis) shares them.
 */
import { ToolError } from '../errors.js';
import type { StateStore } from '../state/store.js';

/**
 * Penalty windows after a 429. Every request inside RingCentral's window restarts it, so calls
 * of that group fail fast here instead of reaching the CLI. A penalty is a courtesy to
 * RingCentral, not a safety check: when the store does not answer, this process still honours the
 * penalties it noted itself, and other calls go ahead.
 */
export class Penalties {
  /** The ends of the windows this process noted, for when the store does not answer. */
  private readonly noted = new Map<string, number>();

  constructor(private readonly store: StateStore) {}

  async check(group: string): Promise<void> {
    const end = Number(await this.store.get(`penalty:${group}`).catch(() => this.noted.get(group)));
    const left = Math.ceil((end - Date.now()) / 1000);
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
    try {
      await this.store.put(`penalty:${group}`, String(Date.now() + seconds * 1000), seconds * 1000);
    } catch (error) {
      process.stderr.write(
        `ringcentral-mcp: could not share a rate-limit penalty through ${this.store.description}: ${(error as Error).message}\n`,
      );
    }
  }
}
