/**
 * What a tool sees while it runs: the Membrane client and the route of each tool, the call's
 * cancellation and timeout, and a shared cache for look-ups that several calls need (SMS sender, chats, extensions).
 */
import type { Membrane } from './membrane.js';
import type { Penalties } from '../safety/guards.js';
import type { Routes } from './routing.js';
import type { RunOptions } from './runner.js';

export class LookupCache {
  private readonly entries = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(private readonly ttlMs = 5 * 60_000) {}

  /** One load per key at a time (single flight); failures are not cached. */
  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value as Promise<T>;
    const value = load();
    this.entries.set(key, { at: Date.now(), value });
    value.catch(() => this.entries.delete(key));
    return value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}

export interface ToolContext {
  membrane: Membrane;
  /** Which route (Membrane action or RingCentral REST) each tool takes on this connection. */
  routes: Routes;
  run: RunOptions;
  cache: LookupCache;
  /** RingCentral's rate-limit windows: every CLI run of a call or a look-up checks its group first. */
  penalties: Pick<Penalties, 'check' | 'note'>;
  pinnedConnectionId?: string;
}
