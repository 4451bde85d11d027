/**
 * What a tool sees while it runs: the Membrane client, the call's cancellation and timeout,
 * and a shared cache for look-ups that several calls need (SMS sender, chats, extensions).
 */
import type { Membrane, RequestSpec } from './membrane.js';
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

  clear(): void {
    this.entries.clear();
  }
}

export interface ToolContext {
  membrane: Membrane;
  run: RunOptions;
  cache: LookupCache;
  readOnly: boolean;
  pinnedConnectionId?: string;
}

/** Shorthands the tool definitions use. */
export async function runAction(ctx: ToolContext, key: string, input: unknown): Promise<unknown> {
  return (await ctx.membrane.runAction(key, input, ctx.run)).output;
}

export function request(ctx: ToolContext, spec: RequestSpec): Promise<unknown> {
  return ctx.membrane.request(spec, ctx.run);
}
