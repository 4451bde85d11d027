/**
 * Confirmation tokens for irreversible calls: an HMAC over the tool name and its canonical
 * arguments with a secret (per process, or shared by instances), an expiry, and a nonce that can
 * be used once.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ToolError } from '../errors.js';
import { stateUnavailable, type StateStore, type StoreMemory } from '../state/store.js';

export type ConfirmMode = 'auto' | 'elicit' | 'token' | 'off';
export const CONFIRM_MODES: readonly ConfirmMode[] = ['auto', 'elicit', 'token', 'off'];

/** What the record of a used nonce holds. */
// Stryker disable next-line StringLiteral: only whether the record exists is ever read
const USED = '1';

/** Fields of the server's own that never take part in what is confirmed. */
const CONTROL_FIELDS = new Set(['confirmationToken', 'dryRun']);

/**
 * JSON with sorted keys, so the same arguments always give the same text. The server's own
 * control fields are left out at the top level only: a nested `dryRun` is the caller's data.
 */
export function canonical(value: unknown, top = true): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v, false)).join(',')}]`;
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object)
      .sort() // by UTF-16 code units, whatever the locale
      .filter((k) => object[k] !== undefined && !(top && CONTROL_FIELDS.has(k)));
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(object[k], false)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export class Confirmations {
  /** `store` records used nonces, so single use holds across every process or instance sharing it. */
  constructor(
    private readonly store: StateStore,
    private readonly secret: Buffer = randomBytes(32),
    readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  private mac(tool: string, args: unknown, nonce: string, expires: number): string {
    return createHmac('sha256', this.secret)
      .update(`${tool}\n${canonical(args)}\n${nonce}\n${expires}`)
      .digest('base64url');
  }

  issue(tool: string, args: unknown): { token: string; expiresAt: string } {
    const nonce = randomBytes(12).toString('base64url');
    const expires = this.now() + this.ttlMs;
    return {
      token: `${nonce}.${expires.toString(36)}.${this.mac(tool, args, nonce, expires)}`,
      expiresAt: new Date(expires).toISOString(),
    };
  }

  /** Accepts a token once, for exactly these arguments, before it expires; otherwise says why not. */
  async consume(tool: string, args: unknown, token: string): Promise<void> {
    const again = 'nothing was done; call again without confirmationToken to get a fresh preview and token';
    const malformed = () => new ToolError('confirmation_invalid', `confirmationToken is malformed; ${again}`);
    const parts = token.split('.');
    if (parts.length !== 3 || parts.some((part) => part === '')) throw malformed();
    const [nonce, expiresText, mac] = parts as [string, string, string];
    const expires = parseInt(expiresText, 36);
    if (!Number.isFinite(expires)) throw malformed();
    const expected = Buffer.from(this.mac(tool, args, nonce, expires));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new ToolError(
        'confirmation_invalid',
        `confirmationToken does not match these arguments (they changed since the preview, or it is from another tool, user or server); ${again}`,
      );
    }
    const left = expires - this.now();
    if (left < 0) throw new ToolError('confirmation_invalid', `confirmationToken expired; ${again}`);
    await this.checkIssuedInMemory(expires - this.ttlMs, again);
    let first: boolean;
    try {
      // Kept a minute past the expiry, so clocks a little apart never see it as unused.
      first = await this.store.create(`token:${nonce}`, USED, left + 60_000);
    } catch (error) {
      throw stateUnavailable(this.store, 'the single-use check of confirmationToken', error);
    }
    if (!first) throw new ToolError('confirmation_invalid', `confirmationToken was already used; ${again}`);
  }

  /** Reaches the store before a token is issued, so the token is newer than the store's memory (see below). */
  async ready(): Promise<void> {
    await this.store.memory().catch(() => undefined);
  }

  /**
   * A token issued before the store's memory began (a Redis that restarted empty) may have been
   * used, and the record saying so is gone: it is refused.
   */
  private async checkIssuedInMemory(issued: number, again: string): Promise<void> {
    let memory: StoreMemory;
    try {
      memory = await this.store.memory();
    } catch (error) {
      throw stateUnavailable(this.store, 'the single-use check of confirmationToken', error);
    }
    if (issued >= memory.since) return;
    const what = memory.afterLoss ? 'lost its data' : 'began to remember';
    throw new ToolError(
      'confirmation_invalid',
      `confirmationToken was issued before the shared state (${this.store.description}) ${what} at ${new Date(memory.since).toISOString()}, so whether it was used cannot be known; ${again}`,
    );
  }
}
