/**
 * The state store shared by any number of instances: Redis, with SET NX PX for single use and
 * expiry. The client connects on first use and reconnects in the background; every operation is
 * bounded by a timeout and an unreachable Redis is an error for that operation, never a crash.
 */
import { once } from 'node:events';
import { createClient, type RedisClientType } from 'redis';
import type { StateStore } from './store.js';

type Client = RedisClientType;

/** The URL without its password, for messages and /healthz. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'an invalid URL';
  }
}

export class RedisStore implements StateStore {
  readonly description: string;
  private client?: Client;
  private lastError = '';

  constructor(
    private readonly url: string,
    private readonly timeoutMs = 2_000,
  ) {
    new URL(url); // An unparseable URL fails at start-up, not on the first SMS.
    this.description = `Redis at ${redactUrl(url)}`;
  }

  async create(key: string, value: string, ttlMs: number): Promise<boolean> {
    const client = await this.ready();
    const reply = await this.bounded(client.set(key, value, { condition: 'NX', expiration: { type: 'PX', value: Math.max(1, Math.ceil(ttlMs)) } }));
    return reply === 'OK';
  }

  async get(key: string): Promise<string | undefined> {
    const client = await this.ready();
    return (await this.bounded(client.get(key))) ?? undefined;
  }

  async put(key: string, value: string, ttlMs: number): Promise<void> {
    const client = await this.ready();
    await this.bounded(client.set(key, value, { expiration: { type: 'PX', value: Math.max(1, Math.ceil(ttlMs)) } }));
  }

  async delete(key: string): Promise<void> {
    const client = await this.ready();
    await this.bounded(client.del(key));
  }

  async reachable(): Promise<boolean> {
    try {
      const client = await this.ready();
      return (await this.bounded(client.ping())) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) client.destroy();
  }

  /** The connected client; the first call starts connecting, and waits at most timeoutMs. */
  private async ready(): Promise<Client> {
    if (!this.client) {
      const client = createClient({
        url: this.url,
        // Commands fail at once while disconnected instead of queueing for an unknown time.
        disableOfflineQueue: true,
        socket: { connectTimeout: this.timeoutMs, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2_000) },
      }) as RedisClientType;
      client.on('error', (error: Error) => {
        const message = error.message || String(error);
        if (message !== this.lastError) process.stderr.write(`ringcentral-mcp: ${this.description}: ${message}\n`);
        this.lastError = message;
      });
      client.on('ready', () => (this.lastError = ''));
      this.client = client;
      client.connect().catch(() => undefined); // Failures arrive as 'error' events; it keeps retrying.
    }
    const client = this.client;
    if (!client.isReady) {
      try {
        await once(client, 'ready', { signal: AbortSignal.timeout(this.timeoutMs) });
      } catch {
        throw new Error(`not connected${this.lastError ? ` (${this.lastError})` : ''}`);
      }
    }
    return client;
  }

  private bounded<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}
