/**
 * Two memories that keep the server from repeating itself on RingCentral:
 * sends already made (idempotent SMS) and rate-limit penalty windows (no hammering).
 */
import { ToolError } from './errors.js';

type Outcome = { at: number; state: 'pending'; promise: Promise<unknown> } | { at: number; state: 'done'; result: unknown } | { at: number; state: 'unknown'; reason: string };

export class SentLog {
  private readonly entries = new Map<string, Outcome>();

  constructor(readonly windowMs = 10 * 60_000) {}

  /** The result of an identical send made within the window, if any. */
  peek(key: string): unknown {
    this.prune();
    const seen = this.entries.get(key);
    return seen?.state === 'done' ? seen.result : undefined;
  }

  /**
   * Runs `send` unless the same key was sent within the window; then returns the first result
   * marked as a duplicate. An attempt whose outcome is unknown (timeout, crash) blocks repeats
   * too: it may have gone out.
   */
  async once(key: string, send: () => Promise<unknown>): Promise<{ duplicate: boolean; result: unknown }> {
    this.prune();
    const seen = this.entries.get(key);
    if (seen?.state === 'done') return { duplicate: true, result: seen.result };
    if (seen?.state === 'pending') return { duplicate: true, result: await seen.promise };
    if (seen?.state === 'unknown') {
      throw new ToolError('not_allowed', `an identical send ${Math.round((Date.now() - seen.at) / 1000)} s ago ended without a clear answer (${seen.reason}); it may have been sent`, {
        fix: 'check with ringcentral_list_messages (direction Outbound); to send anyway, pass a new idempotencyKey',
      });
    }
    const promise = send();
    this.entries.set(key, { at: Date.now(), state: 'pending', promise });
    try {
      const result = await promise;
      this.entries.set(key, { at: Date.now(), state: 'done', result });
      return { duplicate: false, result };
    } catch (error) {
      const code = error instanceof ToolError ? error.code : 'membrane_error';
      if (['timeout', 'cancelled', 'cli_crashed', 'unparseable_output', 'output_too_large'].includes(code)) {
        this.entries.set(key, { at: Date.now(), state: 'unknown', reason: code });
      } else {
        this.entries.delete(key);
      }
      throw error;
    }
  }

  private prune(): void {
    const cutoff = Date.now() - this.windowMs;
    for (const [key, entry] of this.entries) if (entry.state !== 'pending' && entry.at < cutoff) this.entries.delete(key);
  }
}

/** RingCentral's rate-limit groups per action (ringcentral-api.md section 8). */
const GROUP: Record<string, string> = {
  'list-extensions': 'Medium', 'get-extension-info': 'Light', 'get-account-info': 'Light',
  'list-chats': 'Medium', 'create-chat-post': 'Medium', 'create-team': 'Medium',
  'list-messages': 'Light', 'get-message': 'Light', 'delete-message': 'Medium', 'send-sms': 'Medium',
  'list-contacts': 'Heavy', 'get-contact': 'Heavy', 'create-contact': 'Heavy', 'update-contact': 'Heavy', 'delete-contact': 'Heavy',
  'get-call-log': 'Heavy', 'get-active-calls': 'Heavy',
  'create-meeting': 'Heavy', 'get-meeting': 'Medium', 'delete-meeting': 'Medium',
};

export const rateGroup = (actionKey: string | undefined): string => (actionKey && GROUP[actionKey]) || 'other';

/**
 * Penalty windows after a 429. Every request inside RingCentral's window restarts it, so calls
 * of that group fail fast here instead of reaching the CLI.
 */
export class Penalties {
  private readonly until = new Map<string, number>();

  check(group: string): void {
    const end = this.until.get(group);
    if (end === undefined) return;
    const left = Math.ceil((end - Date.now()) / 1000);
    if (left <= 0) {
      this.until.delete(group);
      return;
    }
    throw new ToolError('rate_limited', `RingCentral's ${group} rate-limit penalty is still running; not sent, because a request now would restart it`, {
      retryAfterSeconds: left,
      fix: `wait ${left} s; other kinds of calls still work`,
    });
  }

  note(group: string, seconds: number): void {
    this.until.set(group, Date.now() + seconds * 1000);
  }
}
