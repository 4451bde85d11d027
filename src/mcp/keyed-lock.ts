/**
 * One at a time per key, within this process: a read-merge-write (a contact's address) must not
 * interleave with another for the same record, or the second write puts back what the first changed.
 * Calls for other keys run at once; a failed task releases the key like a finished one.
 */
export class KeyedLock {
  /** The last task queued for each key, settled or not; gone once nothing waits on it. */
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const result = before.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      // Only the last in line removes the key: a later caller has already chained onto this tail.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with a task running or waiting (for tests: nothing is left behind). */
  get size(): number {
    return this.tails.size;
  }
}

/** The process's lock for writes that read a record first (`ToolDefinition.exclusiveKey`). */
export const recordLocks = new KeyedLock();
