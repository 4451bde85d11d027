/**
 * A FIFO semaphore: at most `max` holders at once, the rest wait in arrival order.
 * A waiter whose signal aborts leaves the queue without ever taking a slot.
 */
export class Limiter {
  private active = 0;
  /** The grants of the waiters, in arrival order (a Set iterates in insertion order). */
  private readonly queue = new Set<() => void>();

  constructor(private readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`concurrency must be a whole number >= 1, got ${max}`);
  }

  get running(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.size;
  }

  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.active < this.max) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      let stopListening = () => {};
      const grant = () => {
        stopListening();
        this.active++;
        resolve();
      };
      if (signal) {
        const onAbort = () => {
          this.queue.delete(grant);
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        stopListening = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.add(grant);
    });
  }

  private release(): void {
    this.active--;
    const [next] = this.queue;
    if (next) {
      this.queue.delete(next);
      next();
    }
  }
}
