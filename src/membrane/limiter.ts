/**
 * A FIFO semaphore: at most `max` holders at once, the rest wait in arrival order.
 * A waiter whose signal aborts leaves the queue without ever taking a slot.
 */
export class Limiter {
  private active = 0;
  /** The grants of the waiters, in arrival order. */
  private readonly queue: Array<() => void> = [];

  constructor(private readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`concurrency must be a whole number >= 1, got ${max}`);
  }

  get running(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.length;
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
          const index = this.queue.indexOf(grant);
          // Stryker disable next-line ConditionalExpression: a granted waiter no longer listens, so an aborting one is always queued
          if (index >= 0) this.queue.splice(index, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        stopListening = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(grant);
    });
  }

  private release(): void {
    this.active--;
    this.queue.shift()?.();
  }
}
