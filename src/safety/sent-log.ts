/**
 * The memory of sends already made (idempotent SMS), so the server never sends the same thing
 * twice. It lives in the state store, so every process of the user (files) or every instance
 * (Redis) shares it.
 */
import { ToolError } from '../errors.js';
import { stateUnavailable, type StateStore, type StoreMemory } from '../state/store.js';

/** One send as the memory sees it: its key, a fingerprint of its content, and what it sends. */
export interface Send {
  key: string;
  content: string;
  summary: unknown;
}

type Entry = { at: number; content: string; summary: unknown } & (
  { state: 'pending'; deadline: number } | { state: 'done'; result: unknown } | { state: 'unknown'; reason: string }
);

/** Codes after which a send may or may not have gone out. */
const UNCLEAR = ['timeout', 'cancelled', 'cli_crashed', 'unparseable_output', 'output_too_large'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ago = (at: number) => `${Math.max(0, Math.round((Date.now() - at) / 1000))} s ago`;

export class SentLog {
  /** Sends of this process still running: an identical one waits for the same outcome. */
  private readonly running = new Map<string, { entry: Entry; result: Promise<unknown> }>();

  constructor(
    private readonly store: StateStore,
    readonly windowMs = 10 * 60_000,
    private readonly pollMs = 100,
  ) {}

  /** The result of an identical send made within the window, if any; a conflicting one is an error. */
  async peek(send: Send): Promise<unknown> {
    const seen = await this.read(send);
    if (!seen) await this.checkWindowKnown(send);
    return seen?.state === 'done' ? seen.result : undefined;
  }

  /**
   * After the store lost its data (a Redis restarted empty), a send with no record may repeat one
   * made before the loss: until the window since the loss has passed, nothing is sent unseen.
   */
  private async checkWindowKnown(send: Send): Promise<void> {
    let memory: StoreMemory;
    try {
      memory = await this.store.memory();
    } catch (error) {
      throw stateUnavailable(this.store, 'the duplicate check of this send', error);
    }
    const until = memory.since + this.windowMs;
    if (!memory.afterLoss || Date.now() >= until || (await this.read(send))) return;
    const retryAfterSeconds = Math.ceil((until - Date.now()) / 1000);
    throw new ToolError(
      'not_allowed',
      `the shared state (${this.store.description}) lost its data at ${new Date(memory.since).toISOString()}: whether an identical send went out in the ${Math.round(this.windowMs / 60_000)} min before is unknown, so nothing is sent until ${new Date(until).toISOString()}; this one was not sent`,
      {
        retryAfterSeconds,
        fix: 'check with ringcentral_list_messages (direction Outbound) whether it went out; if not, send it once the time above has passed',
      },
    );
  }

  /**
   * Runs `run` unless the same key was sent within the window; then returns the first result,
   * marked as a duplicate. An attempt whose outcome is unknown (timeout, crash, a process that
   * died mid-send) blocks repeats too: it may have gone out. `waitMs` bounds how long this send
   * may run, so others know when a pending record means "unknown".
   */
  async once(send: Send, run: () => Promise<unknown>, waitMs: number): Promise<{ duplicate: boolean; result: unknown }> {
    const here = this.running.get(send.key);
    if (here) {
      if (here.entry.content !== send.content) throw conflict(here.entry);
      return { duplicate: true, result: await here.result };
    }
    const now = Date.now();
    const entry: Entry = { state: 'pending', at: now, deadline: now + waitMs, content: send.content, summary: send.summary };
    await this.checkWindowKnown(send);
    const attempt = this.attempt(send, entry, run, waitMs);
    const result = attempt.then((outcome) => outcome.result);
    result.catch(() => undefined); // Identical calls of this process await it; the error reaches them there.
    this.running.set(send.key, { entry, result });
    try {
      return await attempt;
    } finally {
      // Nothing else claims the key while this runs: an identical call above awaits this one instead.
      this.running.delete(send.key);
    }
  }

  private async attempt(
    send: Send,
    pending: Entry,
    run: () => Promise<unknown>,
    waitMs: number,
  ): Promise<{ duplicate: boolean; result: unknown }> {
    const claim = JSON.stringify(pending);
    for (;;) {
      let created: boolean;
      try {
        created = await this.store.create(this.keyOf(send), claim, Math.max(this.windowMs, waitMs));
      } catch (error) {
        // A claim that lands after this call gave up (a slow Redis) would block the identical
        // retry as "may have been sent": it is removed again, as long as it is still this one.
        this.store.deleteIf(this.keyOf(send), claim).catch(() => undefined);
        throw stateUnavailable(this.store, 'the duplicate check of this send', error);
      }
      if (created) return { duplicate: false, result: await this.runOwned(send, claim, run) };
      const earlier = await this.settled(send);
      if (earlier) return { duplicate: true, result: earlier.result };
      // The other attempt failed cleanly and was forgotten: try to claim the key again.
    }
  }

  private async runOwned(send: Send, claim: string, run: () => Promise<unknown>): Promise<unknown> {
    const pending = JSON.parse(claim) as Entry;
    try {
      const result = await run();
      await this.write(send, { ...pending, state: 'done', at: Date.now(), result });
      return result;
    } catch (error) {
      if (error instanceof ToolError && UNCLEAR.includes(error.code))
        await this.write(send, { ...pending, state: 'unknown', at: Date.now(), reason: error.code });
      // It did not go out: the claim goes (if still ours). Left behind, it blocks until its deadline, then reads as unknown.
      else await this.store.deleteIf(this.keyOf(send), claim).catch(() => undefined);
      throw error;
    }
  }

  /** Waits while another process sends the same; its result, or undefined when it is gone. */
  private async settled(send: Send): Promise<{ result: unknown } | undefined> {
    for (;;) {
      const seen = await this.read(send);
      if (!seen) return undefined;
      if (seen.state === 'done') return { result: seen.result };
      if (seen.state === 'unknown') throw unclear(seen.at, seen.reason);
      if (Date.now() > seen.deadline) throw unclear(seen.at, 'it has not reported back; the process sending it may have died');
      await sleep(this.pollMs);
    }
  }

  private async read(send: Send): Promise<Entry | undefined> {
    let text: string | undefined;
    try {
      text = await this.store.get(this.keyOf(send));
    } catch (error) {
      throw stateUnavailable(this.store, 'the duplicate check of this send', error);
    }
    if (text === undefined) return undefined;
    const seen = JSON.parse(text) as Entry;
    if (seen.content !== send.content) throw conflict(seen);
    return seen;
  }

  /** Records the outcome; if the store fails now, the pending record (if kept) reads as unknown after its deadline. */
  private async write(send: Send, entry: Entry): Promise<void> {
    try {
      await this.store.put(this.keyOf(send), JSON.stringify(entry), this.windowMs);
    } catch (error) {
      process.stderr.write(
        `ringcentral-mcp: could not record how a send ended in ${this.store.description}: ${(error as Error).message}\n`,
      );
    }
  }

  private keyOf(send: Send): string {
    return `sent:${send.key}`;
  }
}

function unclear(at: number, reason: string): ToolError {
  return new ToolError('not_allowed', `an identical send ${ago(at)} ended without a clear answer (${reason}); it may have been sent`, {
    fix: 'check with ringcentral_list_messages (direction Outbound); to send anyway, pass a new idempotencyKey',
  });
}

function conflict(seen: Entry): ToolError {
  const outcome =
    seen.state === 'done' ? 'was sent' : seen.state === 'pending' ? 'is being sent' : `ended without a clear answer (${seen.reason})`;
  // Only a finished send has a result: RingCentral's message, when it answered with one.
  const answer = (seen as { result?: unknown }).result;
  const result = typeof answer === 'object' ? (answer as Record<string, unknown> | null) : undefined;
  return new ToolError(
    'idempotency_conflict',
    `this idempotencyKey belongs to a different message, which ${outcome} ${ago(seen.at)}: ${JSON.stringify(seen.summary)}${result?.id !== undefined ? ` (message id ${String(result.id)})` : ''}; this one was not sent`,
    {
      fix: 'use a new idempotencyKey for a new message; repeating the earlier message needs exactly its recipients, sender and text',
      earlier: {
        status: seen.state,
        at: new Date(seen.at).toISOString(),
        sent: seen.summary,
        ...(result ? { result: { id: result.id, messageStatus: result.messageStatus } } : {}),
      },
    },
  );
}
