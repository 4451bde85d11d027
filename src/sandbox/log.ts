// The sandbox's own logs, for tests: one JSON line appended per event, never breaking a command.
import { appendFileSync } from 'node:fs';
import type { Env } from './env.js';

export function appendLine(path: string, entry: Record<string, unknown>): void {
  try {
    appendFileSync(path, JSON.stringify(entry) + '\n');
  } catch {
    /* logging must never break a command */
  }
}

/** One RingCentral request the sandbox served or refused (MEMBRANE_SANDBOX_REQUEST_LOG). */
export interface RequestEntry {
  /** `request` (membrane request) or `action` (the call an action run makes). */
  via: 'request' | 'action';
  method: string;
  /** The full URL as it reached the host: scheme, host, path and query string, all as sent. */
  url: string;
  host: string;
  /** The path, percent-decoded. */
  path: string;
  /** The query string exactly as received (without `?`). */
  query: string;
  /** HTTP status of RingCentral's answer; null when the request was refused before any host was reached. */
  status: number | null;
  error?: string;
}

export function logRequest(env: Env, entry: RequestEntry): void {
  if (env.requestLogPath) appendLine(env.requestLogPath, { t: Date.now(), pid: process.pid, ...entry });
}
