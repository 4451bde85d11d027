// Blocking sleep: the CLI is synchronous end to end, which keeps it simple and fast.
const cell = new Int32Array(new SharedArrayBuffer(4));
export function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(cell, 0, 0, ms);
}
