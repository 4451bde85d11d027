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
  ) {}

  /** The same cache as one call sees it: its waits end on `signal`. */
  forCall(signal: AbortSignal | undefined): LookupCache {
    return new LookupCache(this.ttlMs, signal, this.entries);
  }

  /** One load per key at a time; failures are not cached. `load` gets the signal to run its CLI calls with. */
  get<T>(key: string, load: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.signal?.aborted) return Promise.reject(cancelled());
    const hit = this.entries.get(key);
    const entry = hit && Date.now() - hit.at < this.ttlMs ? hit : this.start(key, load);
    return this.wait(key, entry) as Promise<T>;
  }

  delete(key: string): void {
    this.entries.delete(key);
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
