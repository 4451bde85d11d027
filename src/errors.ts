/**
 * Every failure a tool call can end in, as one typed error that carries the fix a person can paste.
 */
export type ErrorCode =
  | 'invalid_input'
  | 'cli_missing'
  | 'not_logged_in'
  | 'no_connection'
  | 'several_connections'
  | 'connection_not_ready'
  | 'ringcentral_error'
  | 'membrane_error'
  | 'rate_limited'
  | 'timeout'
  | 'cancelled'
  | 'unparseable_output'
  | 'output_too_large'
  | 'cli_crashed'
  | 'confirmation_required'
  | 'confirmation_invalid'
  | 'declined'
  | 'not_allowed'
  | 'ambiguous'
  | 'not_found'
  | 'idempotency_conflict'
  | 'conflict'
  | 'state_unavailable'
  /** A fault of this server (an exception no step expected), never a Membrane or RingCentral answer. */
  | 'internal';

export interface ToolErrorDetails {
  fix?: string;
  /** Seconds until a retry makes sense (rate limits). */
  retryAfterSeconds?: number;
  /** RingCentral or Membrane error code, e.g. CMN-102 or connection_is_defunct. */
  upstreamCode?: string;
  actionRunId?: string;
  candidates?: unknown[];
  /** The earlier send an idempotency key belongs to: what it sent, how it ended. */
  earlier?: unknown;
}

export class ToolError extends Error {
  readonly code: ErrorCode;
  readonly details: ToolErrorDetails;

  constructor(code: ErrorCode, message: string, details: ToolErrorDetails = {}) {
    super(message);
    this.name = 'ToolError';
    this.code = code;
    this.details = details;
  }

  /** One compact text for the model: what happened, then what to do. */
  toText(): string {
    const lines = [`${this.code}: ${this.message}`];
    if (this.details.retryAfterSeconds !== undefined) lines.push(`Retry after ${this.details.retryAfterSeconds} s.`);
    if (this.details.fix) lines.push(`Fix: ${this.details.fix}`);
    if (this.details.actionRunId) {
      lines.push(`Details: membrane action-run-log get ${this.details.actionRunId} --details`);
    }
    return lines.join('\n');
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, ...this.details };
  }
}

/** Any thrown value as a ToolError: an exception nothing classified is this server's own fault (`internal`). */
export function toToolError(error: unknown): ToolError {
  if (error instanceof ToolError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ToolError('internal', `an unexpected error in ringcentral-mcp: ${message}`, {
    fix: 'run the call again; if it happens again, report it with this message (run with the same input and `ringcentral-mcp doctor` to see the setup)',
  });
}

/** The fixes for Membrane CLI faults, kept in one place so messages, doctor and docs agree. */
export const FIX = {
  install:
    'npm install -g @membranehq/cli (or set MEMBRANE_CLI / --membrane to the absolute path of membrane: GUI MCP clients do not inherit your shell PATH)',
  login: 'membrane login --tenant (headless: membrane login complete <code>)',
  connect: 'membrane connection ensure "https://ringcentral.com"',
  reconnect: (id: string) => `membrane connect --connectionId=${id}`,
  wait: (id: string) => `membrane connection get ${id} --wait`,
  pin: 'pin one with --connection-id <id> or RINGCENTRAL_CONNECTION_ID=<id>',
} as const;
