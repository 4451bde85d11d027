/**
 * The CLI slots: at most `max` holders at once. The waiters queue per person, and a freed slot goes
 * to the person who was served least recently, so one person flooding calls cannot starve another:
 * someone else's call starts at the next free slot. Each person's queue is bounded, and a waiter
 * leaves it on its signal or at its deadline without ever taking a slot.
 */
import { ToolError } from '../errors.js';

/** A refusal of the server itself (all slots busy), never RingCentral's rate limit: nothing was run. */
export class ServerBusy extends ToolError {}

export interface Wait {
  signal?: AbortSignal;
  /** Whose call this is (the HTTP users' name); one queue for everyone by default. */
  person?: string;
  /** Epoch milliseconds after which the call gives up waiting (its timeout counts the wait). */
  deadline?: number;
}

/** The default bound of each person's queue: calls waiting for a slot, beyond those running. */
export const MAX_QUEUED_PER_PERSON = 16;

/** A first guess of how long a CLI run takes, for the retry time, until runs have been timed. */
const FIRST_GUESS_MS = 1_000;

export class Limiter {
  private active = 0;
  /** Each person's grants, in arrival order (a Set iterates in insertion order). */
  private readonly queues = new Map<string, Set<() => void>>();
  /** When each person last got a slot (a counter, not a clock): the least recent goes first. */
  private readonly served = new Map<string, number>();
  private turns = 0;
  /** A moving average of how long a holder keeps its slot, for the retry time of a refusal. */
  private averageMs = FIRST_GUESS_MS;

  constructor(
    private readonly max: number,
    private readonly maxQueued = MAX_QUEUED_PER_PERSON,
  ) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`concurrency must be a whole number >= 1, got ${max}`);
  }

  get running(): number {
    return this.active;
  }

  get waiting(): number {
    let count = 0;
    for (const queue of this.queues.values()) count += queue.size;
    return count;
  }

  async run<T>(task: () => Promise<T>, wait: Wait | AbortSignal = {}): Promise<T> {
    const options = wait instanceof AbortSignal ? { signal: wait } : wait;
    await this.acquire(options);
    const started = Date.now();
    try {
      return await task();
    } finally {
      this.averageMs = 0.8 * this.averageMs + 0.2 * (Date.now() - started);
      this.release();
    }
  }

  private acquire({ signal, person = '', deadline }: Wait): Promise<void> {
    signal?.throwIfAborted();
    if (this.active < this.max) {
      this.take(person);
      return Promise.resolve();
    }
    const queue = this.queues.get(person) ?? new Set<() => void>();
    if (queue.size >= this.maxQueued) throw this.full(queue.size);
    this.queues.set(person, queue);
    return new Promise<void>((resolve, reject) => {
      const cleanups: Array<() => void> = [];
      const leave = (reason: unknown) => {
        this.unqueue(person, grant);
        for (const cleanup of cleanups) cleanup();
        reject(reason);
      };
      const grant = () => {
        for (const cleanup of cleanups) cleanup();
        this.take(person);
        resolve();
      };
      if (signal) {
        const onAbort = () => leave(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        cleanups.push(() => signal.removeEventListener('abort', onAbort));
      }
      if (deadline !== undefined) {
        const timer = setTimeout(() => leave(this.tooLong()), Math.max(0, deadline - Date.now()));
        cleanups.push(() => clearTimeout(timer));
      }
      queue.add(grant);
    });
  }

  private take(person: string): void {
    this.active++;
    this.served.set(person, ++this.turns);
  }

  private unqueue(person: string, grant: () => void): void {
    const queue = this.queues.get(person);
    queue?.delete(grant);
    if (queue?.size === 0) this.queues.delete(person);
  }

  private release(): void {
    this.active--;
    const person = this.nextPerson();
    if (person === undefined) return;
    const [grant] = this.queues.get(person)!;
    this.unqueue(person, grant);
    grant();
  }

  /** The waiting person served least recently (one never served before anyone). */
  private nextPerson(): string | undefined {
    let next: string | undefined;
    let oldest = Infinity;
    for (const person of this.queues.keys()) {
      const turn = this.served.get(person) ?? -1;
      if (turn < oldest) [next, oldest] = [person, turn];
    }
    return next;
  }

  /** Seconds until a slot is likely free for this person again: their queue, at their share of the slots. */
  private retryAfter(queued: number): number {
    const share = Math.max(1, this.max / Math.max(1, this.queues.size));
    return Math.max(1, Math.ceil((this.averageMs * (queued + 1)) / share / 1000));
  }

  private full(queued: number): ServerBusy {
    const retryAfterSeconds = this.retryAfter(queued);
    return new ServerBusy(
      'rate_limited',
      `the server is busy: all ${this.max} CLI slots are in use and ${queued} of your calls are already waiting (at most ${this.maxQueued}); this one was not run`,
      { retryAfterSeconds, fix: `wait ${retryAfterSeconds} s, or send fewer calls at once` },
    );
  }

  private tooLong(): ServerBusy {
    const retryAfterSeconds = this.retryAfter(0);
    return new ServerBusy(
      'rate_limited',
      `no CLI slot came free within the call's timeout: all ${this.max} were in use the whole time; this one was not run`,
      {
        retryAfterSeconds,
        fix: `wait ${retryAfterSeconds} s, or send fewer calls at once; --timeout (RINGCENTRAL_MCP_TIMEOUT_MS) counts the wait for a slot`,
      },
    );
  }
}
