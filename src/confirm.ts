/**
 * Confirmation tokens for irreversible calls: an HMAC over the tool name and its canonical
 * arguments with a per-process secret, an expiry, and a nonce that can be used once.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ToolError } from './errors.js';

export type ConfirmMode = 'auto' | 'elicit' | 'token' | 'off';
export const CONFIRM_MODES: readonly ConfirmMode[] = ['auto', 'elicit', 'token', 'off'];

/** Fields of the server's own that never take part in what is confirmed. */
const CONTROL_FIELDS = new Set(['confirmationToken', 'dryRun']);

/**
 * JSON with sorted keys, so the same arguments always give the same text. The server's own
 * control fields are left out at the top level only: a nested `dryRun` is the caller's data.
 */
export function canonical(value: unknown, top = true): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v, false)).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => v !== undefined && !(top && CONTROL_FIELDS.has(k)))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v, false)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export class Confirmations {
  private readonly used = new Map<string, number>();

  /**
   * `usedDir`: where processes sharing a secret (the `call` route, several HTTP instances on one
   * machine) mark used tokens, one exclusive-create file per nonce, so single use holds across them.
   */
  constructor(
    private readonly secret: Buffer = randomBytes(32),
    readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
    private readonly usedDir?: string,
  ) {}

  private mac(tool: string, args: unknown, nonce: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${tool}\n${canonical(args)}\n${nonce}\n${expires}`).digest('base64url');
  }

  issue(tool: string, args: unknown): { token: string; expiresAt: string } {
    const nonce = randomBytes(12).toString('base64url');
    const expires = this.now() + this.ttlMs;
    return { token: `${nonce}.${expires.toString(36)}.${this.mac(tool, args, nonce, expires)}`, expiresAt: new Date(expires).toISOString() };
  }

  /** Accepts a token once, for exactly these arguments, before it expires; otherwise says why not. */
  consume(tool: string, args: unknown, token: string): void {
    const again = 'nothing was done; call again without confirmationToken to get a fresh preview and token';
    const [nonce, expiresText, mac, extra] = token.split('.');
    const expires = parseInt(expiresText ?? '', 36);
    if (!nonce || !mac || extra !== undefined || !Number.isFinite(expires)) {
      throw new ToolError('confirmation_invalid', `confirmationToken is malformed; ${again}`);
    }
    const expected = Buffer.from(this.mac(tool, args, nonce, expires));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new ToolError('confirmation_invalid', `confirmationToken does not match these arguments (they changed since the preview, or it is from another tool or server); ${again}`);
    }
    this.prune();
    if (this.now() > expires) throw new ToolError('confirmation_invalid', `confirmationToken expired; ${again}`);
    if (this.used.has(nonce) || !this.markShared(nonce)) throw new ToolError('confirmation_invalid', `confirmationToken was already used; ${again}`);
    this.used.set(nonce, expires);
  }

  /** False when another process used this nonce first. */
  private markShared(nonce: string): boolean {
    if (!this.usedDir) return true;
    mkdirSync(this.usedDir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(join(this.usedDir, `used-${nonce}`), '', { flag: 'wx', mode: 0o600 });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  }

  private prune(): void {
    const now = this.now();
    for (const [nonce, expires] of this.used) if (expires < now) this.used.delete(nonce);
    if (!this.usedDir) return;
    try {
      for (const name of readdirSync(this.usedDir)) {
        const file = join(this.usedDir, name);
        if (name.startsWith('used-') && statSync(file).mtimeMs < now - this.ttlMs * 2) unlinkSync(file);
      }
    } catch {
      // Best effort: a marker left behind only costs a few bytes.
    }
  }
}
