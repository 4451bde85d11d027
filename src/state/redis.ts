/**
 * The state store shared by any number of instances: Redis, with SET NX PX for single use and
 * expiry. The client connects on first use and again on the first use after a loss; every
 * operation is bounded by a timeout, and an unreachable Redis is an error for that operation,
 * never a crash or a hang.
 */
import type { RedisClientType } from 'redis';
import { randomBytes } from 'node:crypto';
import type { StateStore, StoreMemory } from './store.js';

type Client = RedisClientType;

/** Every key of this server starts so, so one Redis can serve other programs too. */
const KEY_PREFIX = 'ringcentral-mcp:';

/** The channel a change is announced on (see changes); its messages carry nothing. */
const CHANGED = `${KEY_PREFIX}changed`;
/** How often a lost feed of changes is tried again: until then readers read Redis itself. */
const RESUBSCRIBE_MS = 1_000;

const DELETE_IF = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

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
  private connecting?: Promise<Client>;
  private lastError = '';
  /** The epoch of the data this client found (see readEpoch). */
  private epoch?: StoreMemory & { id: string };
  /** A second connection, subscribed to CHANGED (a subscribed connection runs no other command). */
  private feed?: Client;
  private subscribing?: Promise<void>;
  private lastSubscribe = 0;
  private changeCount = 0;

  constructor(
    private readonly url: string,
    private readonly timeoutMs = 2_000,
  ) {
    new URL(url); // An unparseable URL fails at start-up, not on the first SMS.
    this.description = `Redis at ${redactUrl(url)}`;
  }

  async create(key: string, value: string, ttlMs: number): Promise<boolean> {
    const client = await this.ready();
    const reply = await this.bounded(
      client.set(KEY_PREFIX + key, value, { condition: 'NX', expiration: { type: 'PX', value: Math.max(1, Math.ceil(ttlMs)) } }),
    );
    return reply === 'OK';
  }

  async get(key: string): Promise<string | undefined> {
    const client = await this.ready();
    return (await this.bounded(client.get(KEY_PREFIX + key))) ?? undefined;
  }

  async put(key: string, value: string, ttlMs: number): Promise<void> {
    const client = await this.ready();
    await this.bounded(client.set(KEY_PREFIX + key, value, { expiration: { type: 'PX', value: Math.max(1, Math.ceil(ttlMs)) } }));
  }

  async delete(key: string): Promise<void> {
    const client = await this.ready();
    await this.bounded(client.del(KEY_PREFIX + key));
  }

  async deleteIf(key: string, value: string): Promise<void> {
    const client = await this.ready();
    // Sent on the same connection as the write it undoes, so Redis runs it after that write even
    // when the write was slow to land; one script, so nothing runs between the compare and the delete.
    await this.bounded(client.eval(DELETE_IF, { keys: [KEY_PREFIX + key], arguments: [value] }));
  }

  async memory(): Promise<StoreMemory> {
    await this.ready();
    return this.epoch!;
  }

  async reachable(): Promise<boolean> {
    try {
      const client = await this.ready();
      return (await this.bounded(client.ping())) === 'PONG';
    } catch {
      return false;
    }
  }

  /**
   * Counted as Redis delivers each announcement, a network hop after it was published; while the
   * feed is down (not yet subscribed, or the connection lost) undefined, so readers read Redis.
   */
  changes(): number | undefined {
    if (this.feed?.isReady) return this.changeCount;
    const now = Date.now();
    if (!this.subscribing && now - this.lastSubscribe >= RESUBSCRIBE_MS) {
      this.lastSubscribe = now;
      this.subscribing = this.subscribe().finally(() => (this.subscribing = undefined));
    }
    return undefined;
  }

  async announce(): Promise<void> {
    const client = await this.ready();
    await this.bounded(client.publish(CHANGED, ''));
  }

  async close(): Promise<void> {
    this.client?.destroy();
    this.client = undefined;
    await this.subscribing;
    this.feed?.destroy();
    this.feed = undefined;
  }

  /** Opens the feed of changes; a failure leaves it closed (the main client reports Redis's state). */
  private async subscribe(): Promise<void> {
    this.feed?.destroy();
    this.feed = undefined;
    const feed = await this.newClient();
    feed.on('error', () => undefined);
    feed.unref();
    try {
      await this.bounded(feed.connect());
      await this.bounded(feed.subscribe(CHANGED, () => this.changeCount++));
    } catch {
      feed.destroy();
      return;
    }
    this.changeCount++; // what was read while the feed was down may be stale
    this.feed = feed;
  }

  private async newClient(): Promise<RedisClientType> {
    // Loaded on first use: the client library costs a large share of a cold start that has no Redis.
    const { createClient } = await import('redis');
    return createClient({
      url: this.url,
      // No queueing and no reconnecting in the background: an operation either runs now or fails now.
      disableOfflineQueue: true,
      socket: { connectTimeout: this.timeoutMs, reconnectStrategy: false },
    });
  }

  /** The connected client: connects on first use and again after a loss, each attempt bounded by timeoutMs. */
  private ready(): Promise<Client> {
    if (this.client?.isReady) return Promise.resolve(this.client);
    return (this.connecting ??= this.connect().finally(() => (this.connecting = undefined)));
  }

  private async connect(): Promise<Client> {
    this.client?.destroy();
    this.client = undefined;
    const client = await this.newClient();
    client.on('error', (error: Error) => {
      const message = error.message || String(error);
      if (message !== this.lastError) process.stderr.write(`ringcentral-mcp: ${this.description}: ${message}\n`);
      this.lastError = message;
    });
    // The socket alone never keeps a process alive (each operation has its own timer meanwhile).
    client.unref();
    try {
      await this.bounded(client.connect());
    } catch (error) {
      client.destroy();
      throw new Error(`not connected (${(error as Error).message || 'connection refused'})`, { cause: error });
    }
    try {
      this.epoch = await this.bounded(this.readEpoch(client));
    } catch (error) {
      client.destroy();
      throw new Error(`no epoch (${(error as Error).message})`, { cause: error });
    }
    this.lastError = '';
    this.client = client;
    return client;
  }

  /**
   * A Redis without persistence that restarts comes back empty: used tokens and sent SMS are
   * forgotten. The epoch key, written by the first client to find none, marks when this data
   * began; a client that knew another epoch before has seen the loss, and marks it so.
   */
  private async readEpoch(client: Client): Promise<StoreMemory & { id: string }> {
    const key = `${KEY_PREFIX}epoch`;
    const fresh = { id: randomBytes(8).toString('hex'), since: Date.now(), afterLoss: this.epoch !== undefined };
    await client.set(key, JSON.stringify(fresh), { condition: 'NX' });
    const found = JSON.parse((await client.get(key)) ?? JSON.stringify(fresh)) as StoreMemory & { id: string };
    if (this.epoch && found.id !== this.epoch.id && !found.afterLoss) {
      found.afterLoss = true;
      await client.set(key, JSON.stringify(found));
    }
    if (found.id !== this.epoch?.id && found.afterLoss)
      process.stderr.write(
        `ringcentral-mcp: ${this.description} lost its data (it restarted without persistence?) at ${new Date(found.since).toISOString()}: older confirmation tokens are refused, and SMS wait until the duplicate window has passed\n`,
      );
    return found;
  }

  private bounded<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}
