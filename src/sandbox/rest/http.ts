// Request/response types of the simulated RingCentral REST API and its error envelope.
import type { State } from '../model.js';

export type Query = Record<string, string[]>;

export interface Req {
  method: string;
  path: string;
  query: Query;
  body?: unknown;
  headers: Record<string, string>;
}

export interface Res {
  status: number;
  body?: unknown;
  headers: Record<string, string>;
}

export interface Ctx {
  state: State;
  now: number;
  /** Set by handlers that changed the state. */
  dirty: boolean;
  /** Ids of sent SMS that a read has moved one step along Queued -> Sent -> Delivered. */
  advanced: number[];
}

export type Params = Record<string, string>;
export type Handler = (ctx: Ctx, req: Req, p: Params) => Res;

export const ok = (body: unknown, status = 200): Res => ({ status, body, headers: {} });
export const noContent = (): Res => ({ status: 204, headers: {} });

/** Thrown by handlers; carries a complete RingCentral error response. */
export class RcError extends Error {
  constructor(readonly res: Res) {
    super(String((res.body as { message?: string })?.message ?? 'error'));
  }
}

export interface ErrOpts {
  param?: string;
  value?: unknown;
  /** Legacy symbolic code RingCentral sometimes puts at the top level (the nested one is reliable). */
  top?: string;
  extra?: Record<string, unknown>;
}

export function envelope(code: string, message: string, o: ErrOpts = {}): Record<string, unknown> {
  const inner: Record<string, unknown> = { errorCode: code, message };
  if (o.param) inner.parameterName = o.param;
  if (o.value !== undefined) inner.parameterValue = typeof o.value === 'string' ? o.value : JSON.stringify(o.value);
  Object.assign(inner, o.extra);
  const body: Record<string, unknown> = { errorCode: o.top ?? code, message, errors: [inner] };
  if (o.param) body.parameterName = o.param;
  Object.assign(body, o.extra);
  return body;
}

export function rcError(status: number, code: string, message: string, o: ErrOpts = {}): RcError {
  return new RcError({ status, body: envelope(code, message, o), headers: {} });
}

export const invalid = (param: string, value?: unknown, message = `Parameter [${param}] value is invalid`) =>
  rcError(400, 'CMN-101', message, { param, value, top: 'InvalidParameter' });

export const missing = (param: string) =>
  rcError(400, 'CMN-101', `Parameter [${param}] is not specified`, { param, top: 'InvalidParameter' });

export const notFound = (param: string, value?: unknown) =>
  rcError(404, 'CMN-102', `Resource for parameter [${param}] is not found`, { param, value });
