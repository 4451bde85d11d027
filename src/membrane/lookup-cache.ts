/** The look-up cache: what several calls need (SMS senders, chats, extensions, me), shared by the calls of a runtime. */
import { ToolError } from '../errors.js';

interface Entry {
  at: number;
  value: Promise<unknown>;
  /** Stops the load; aborted only when every caller waiting for it has gone. */
  controller: AbortController;
  waiting: number;
  /** A caller without a signal waits for it: the load is never stopped. */
  pinned: boolean;
  settled: boolean;
}

/**
 * Look-ups several calls need (SMS senders, chats, extensions, me), each loaded once per key at a
 * time (single flight) and kept for a while. The load runs with its own signal, not a caller's:
 * a caller that cancels stops waiting at once, and the load is stopped only when every caller
 * waiting for it has gone, so one client's hang-up never cancels another's call.
 */
export class LookupCache {
  constructor(
    private readonly ttlMs = 5 * 60_000,
    /** The call this view waits for (see forCall); none: it waits until the load ends. */
    private readonly signal?: AbortSignal,
    private readonly entries = new Map<string, Entry>(),
    /** What one call already asked for (see forCall); none for the shared cache itself. */
    private readonly asked?: Map<string, Promise<unknown>>,
  ) {}

  /**
   * The same cache as one call sees it: its waits end on `signal`, and a key it asks for again
   * (send_sms wants its sender for the key, the preview and the payload) gets the same answer.
   */
  forCall(signal: AbortSignal | undefined): LookupCache {
    return new LookupCache(this.ttlMs, signal, this.entries, new Map());
  }

  /** One load per key at a time; failures are not cached. `load` gets the signal to run its CLI calls with. */
  get<T>(key: string, load: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.signal?.aborted) return Promise.reject(cancelled());
    const earlier = this.asked?.get(key);
    if (earlier) return earlier as Promise<T>;
    const hit = this.entries.get(key);
    const entry = hit && Date.now() - hit.at < this.ttlMs ? hit : this.start(key, load);
    const answer = this.wait(key, entry);
    this.remember(key, answer);
    return answer as Promise<T>;
  }

  /** Kept for the rest of the call; a failure is not: asking again starts afresh. */
  private remember(key: string, answer: Promise<unknown>): void {
    if (!this.asked) return;
    this.asked.set(key, answer);
    answer.catch(() => {
      if (this.asked?.get(key) === answer) this.asked.delete(key);
    });
  }

  delete(key: string): void {
    this.entries.delete(key);
    this.asked?.delete(key);
  }

  private start(key: string, load: (signal: AbortSignal) => Promise<unknown>): Entry {
    const controller = new AbortController();
    const entry: Entry = { at: Date.now(), value: load(controller.signal), controller, waiting: 0, pinned: false, settled: false };
    this.entries.set(key, entry);
    entry.value.then(
      () => (entry.settled = true),
      () => {
        entry.settled = true;
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry;
  }

  private wait(key: string, entry: Entry): Promise<unknown> {
    const signal = this.signal;
    if (!signal) {
      entry.pinned = true;
      return entry.value;
    }
    entry.waiting++;
    return new Promise((resolve, reject) => {
      const leave = () => {
        signal.removeEventListener('abort', onAbort);
        entry.waiting--;
      };
      const onAbort = () => {
        leave();
        reject(cancelled());
        if (entry.waiting > 0 || entry.pinned || entry.settled) return;
        // Nobody is left waiting: the load stops, and the next caller starts a fresh one.
        if (this.entries.get(key) === entry) this.entries.delete(key);
        entry.controller.abort();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      entry.value.then(
        (value) => {
          if (signal.aborted) return;
          leave();
          resolve(value);
        },
        (error: unknown) => {
          if (signal.aborted) return;
          leave();
          reject(error);
        },
      );
    });
  }
}

const cancelled = () => new ToolError('cancelled', 'the call was cancelled by the client');
