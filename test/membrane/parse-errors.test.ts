/**
 * src/membrane/classify.ts, the classification of Membrane and RingCentral errors: each case asserts
 * the whole typed error (code, message, fix, upstream code, retry delay), since the message and
 * the fix are what a person reads and pastes.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FIX, type ToolError } from '../../src/errors.js';
import { asRingCentralError, membraneError } from '../../src/membrane/classify.js';

const whole = (error: ToolError) => error.toJSON();

const RUN_AGAIN = 'run the same membrane command by hand to see its whole output, and check `membrane --version`';
const TEMPORARY =
  'a temporary failure on the Membrane or RingCentral side: run the call again in a minute; if it persists, check `membrane status`';

/** A Membrane dependency error carrying RingCentral's answer, as `action run` prints it. */
const upstream = (response: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'dependency_error',
  key: 'request_failed',
  message: 'Request failed',
  ...extra,
  data: { response },
});

const rcError = (errorCode: string, message: string, parameterName?: string) => ({ errors: [{ errorCode, message, parameterName }] });

describe('connection states (the error carries the connection in data)', () => {
  const stateError = (data: Record<string, unknown>, key = 'connection_not_ready') => ({
    type: 'connection',
    key,
    message: 'Connection is not ready',
    data,
  });

  it('BUILDING: wait for it, naming the connection from the error', () => {
    const error = membraneError(stateError({ state: 'BUILDING', connectionId: 'conn-7' }), '', { connectionId: 'ctx-1' });
    expect(whole(error)).toEqual({
      code: 'connection_not_ready',
      message: 'the RingCentral connection conn-7 is still being set up (state BUILDING): Connection is not ready',
      fix: 'membrane connection get conn-7 --wait, then call again',
      upstreamCode: 'connection_not_ready',
    });
  });

  it('CONFIGURATION_ERROR: a person fixes it, with the setup error and the link; the state is the code without a key', () => {
    const data = {
      state: 'CONFIGURATION_ERROR',
      error: { message: 'OAuth app misconfigured' },
      clientAction: { uiUrl: 'https://console.example/c1' },
    };
    const error = membraneError({ type: 'connection', message: 'Setup failed', data }, '', { connectionId: 'ctx-1' });
    expect(whole(error)).toEqual({
      code: 'connection_not_ready',
      message: 'the RingCentral connection ctx-1 failed to set up (state CONFIGURATION_ERROR): OAuth app misconfigured',
      fix: 'a person must fix the connection in Membrane (https://console.example/c1), then check with membrane connection get ctx-1 --json',
      upstreamCode: 'CONFIGURATION_ERROR',
    });
  });

  it('SETUP_FAILED without a setup error or link: the message, and a placeholder id without context', () => {
    for (const data of [
      { state: 'SETUP_FAILED' },
      { state: 'SETUP_FAILED', error: 'text', clientAction: 'https://not-an-object' },
      { state: 'SETUP_FAILED', error: { message: 42 }, clientAction: { uiUrl: 7 }, connectionId: 99 },
    ]) {
      expect(whole(membraneError(stateError(data), ''))).toEqual({
        code: 'connection_not_ready',
        message: 'the RingCentral connection <connection-id> failed to set up (state SETUP_FAILED): Connection is not ready',
        fix: 'a person must fix the connection in Membrane, then check with membrane connection get <connection-id> --json',
        upstreamCode: 'connection_not_ready',
      });
    }
  });

  it('any other state: reconnect this connection, with the link when there is one', () => {
    const data = { state: 'CLIENT_ACTION_REQUIRED', connectionId: 'c1', clientAction: { uiUrl: 'https://app.example/reconnect' } };
    expect(whole(membraneError(stateError(data), '', { connectionId: 'ctx' }))).toEqual({
      code: 'connection_not_ready',
      message: 'the RingCentral connection c1 needs to be reconnected (state CLIENT_ACTION_REQUIRED): Connection is not ready',
      fix: 'membrane connect --connectionId=c1, or open https://app.example/reconnect (reconnect this one; do not create another)',
      upstreamCode: 'connection_not_ready',
    });
    expect(whole(membraneError(stateError({ state: 'DISCONNECTED' }, ''), '', { connectionId: 'ctx' }))).toEqual({
      code: 'connection_not_ready',
      message: 'the RingCentral connection ctx needs to be reconnected (state DISCONNECTED): Connection is not ready',
      fix: 'membrane connect --connectionId=ctx (reconnect this one; do not create another)',
      upstreamCode: 'DISCONNECTED',
    });
  });

  it('a READY, empty or non-text state is no connection problem: the error is classified as usual', () => {
    for (const data of [{ state: 'READY' }, { state: '' }, { state: 5 }, 'BUILDING', { connectionId: 'c1' }]) {
      expect(whole(membraneError({ type: 'bad_request', key: 'invalid', message: 'Bad input', data }, ''))).toEqual({
        code: 'membrane_error',
        message: 'membrane failed (bad_request/invalid): Bad input',
        fix: RUN_AGAIN,
        upstreamCode: 'invalid',
      });
    }
  });
});

describe('reconnect: expired or defunct tokens', () => {
  it('access_token_expired is a reconnect, whatever the error type', () => {
    const error = membraneError({ type: 'bad_request', key: 'access_token_expired', message: 'Access token expired' }, '', {
      connectionId: 'c3',
    });
    expect(whole(error)).toEqual({
      code: 'connection_not_ready',
      message: 'the RingCentral connection needs to be reconnected: Access token expired',
      fix: 'membrane connect --connectionId=c3',
      upstreamCode: 'access_token_expired',
    });
  });

  it('an error of type connection is a reconnect; the type is the code when there is no key', () => {
    expect(whole(membraneError({ type: 'connection', key: 'oauth_failed', message: 'OAuth failed' }, '', { connectionId: 'c3' }))).toEqual({
      code: 'connection_not_ready',
      message: 'the RingCentral connection needs to be reconnected: OAuth failed',
      fix: 'membrane connect --connectionId=c3',
      upstreamCode: 'oauth_failed',
    });
    expect(whole(membraneError({ type: 'connection', message: 'OAuth failed' }, '')).upstreamCode).toBe('connection');
  });

  it('an upstream 401 is a rejected token: reconnect, quoting RingCentral', () => {
    const body = upstream({ status: 401, data: rcError('OAU-149', 'Unparsable access token') });
    expect(whole(membraneError(body, '', { connectionId: 'c9' }))).toEqual({
      code: 'connection_not_ready',
      message: "RingCentral rejected the connection's token (OAU-149: Unparsable access token)",
      fix: 'membrane connect --connectionId=c9',
      upstreamCode: 'OAU-149',
    });
  });
});

describe('not logged in', () => {
  it('from the key, with the key as the code', () => {
    expect(whole(membraneError({ type: 'bad_request', key: 'not_authenticated', message: 'Unauthorized' }, ''))).toEqual({
      code: 'not_logged_in',
      message: 'Membrane is not logged in: Unauthorized',
      fix: FIX.login,
      upstreamCode: 'not_authenticated',
    });
  });

  it('from plain text, with no code', () => {
    expect(whole(membraneError(undefined, 'Error: session expired, log in again\n'))).toEqual({
      code: 'not_logged_in',
      message: 'Membrane is not logged in: Error: session expired, log in again',
      fix: FIX.login,
    });
  });

  it('plain text is read only in its first 2 KiB (the rest may echo the request)', () => {
    const text = `Error: request failed\n${'x'.repeat(2100)} not logged in`;
    expect(membraneError(undefined, text).code).toBe('membrane_error');
    expect(membraneError(undefined, `Error: not logged in\n${'x'.repeat(2100)}`).code).toBe('not_logged_in');
  });
});

describe('RingCentral errors and their fixes', () => {
  const classify = (status: number | undefined, errorCode: string, message: string, parameterName?: string) =>
    whole(
      membraneError(upstream({ status, data: rcError(errorCode, message, parameterName) }, { actionRunId: 'run-1' }), '', {
        connectionId: 'c1',
      }),
    );

  const lacks = (what: string) =>
    `the RingCentral user or app lacks ${what} for this call: ask a RingCentral admin to grant it, or reconnect with a user who has it (membrane connect --connectionId=c1)`;

  it('CMN-408 names the missing permission', () => {
    const message = 'In order to call this API endpoint, user needs to have [ReadMessages] permission for requested resource.';
    expect(classify(undefined, 'CMN-408', message)).toEqual({
      code: 'ringcentral_error',
      message: `RingCentral CMN-408: ${message}`,
      upstreamCode: 'CMN-408',
      actionRunId: 'run-1',
      fix: lacks('the ReadMessages permission'),
    });
  });

  it('CMN-401 and any 403 without a named permission', () => {
    expect(classify(undefined, 'CMN-401', 'In order to call this API endpoint, user needs to have permission').fix).toBe(
      lacks('a permission'),
    );
    expect(classify(403, 'FEA-001', 'Feature not available [x-y]')).toEqual({
      code: 'ringcentral_error',
      message: 'RingCentral 403 FEA-001: Feature not available [x-y]',
      upstreamCode: 'FEA-001',
      actionRunId: 'run-1',
      fix: lacks('a permission'),
    });
  });

  it('CMN-102 or a 404: check the id, naming the parameter when RingCentral does', () => {
    expect(classify(undefined, 'CMN-102', 'Resource for parameter [messageId] is not found', 'messageId')).toEqual({
      code: 'ringcentral_error',
      message: 'RingCentral CMN-102: Resource for parameter [messageId] is not found (parameter: messageId)',
      upstreamCode: 'CMN-102',
      actionRunId: 'run-1',
      fix: 'check the id in messageId: take it from the matching list tool',
    });
    expect(classify(404, 'MSG-404', 'Not found').fix).toBe('check the id: take it from the matching list tool');
  });

  it('invalid input (CMN-100, CMN-101, CMN-103, 400, 422): correct the named parameter or the input', () => {
    const correct = (what: string) => `correct ${what} as RingCentral's message says`;
    expect(classify(undefined, 'CMN-101', 'Parameter [to] value is invalid', 'to.phoneNumber').fix).toBe(correct('to.phoneNumber'));
    expect(classify(undefined, 'CMN-100', 'Invalid request').fix).toBe(correct('the input'));
    expect(classify(undefined, 'CMN-103', 'Parameter [x] is required', 'x').fix).toBe(correct('x'));
    expect(classify(400, 'ABC-001', 'Bad request').fix).toBe(correct('the input'));
    expect(classify(422, 'ABC-002', 'Unprocessable').fix).toBe(correct('the input'));
  });

  it('5xx: run it again later; other codes have no fix', () => {
    const again = 'a temporary RingCentral failure: run the call again in a minute';
    expect(classify(500, 'CMN-500', 'Internal error')).toEqual({
      code: 'ringcentral_error',
      message: 'RingCentral 500 CMN-500: Internal error',
      upstreamCode: 'CMN-500',
      actionRunId: 'run-1',
      fix: again,
    });
    expect(classify(503, 'CMN-503', 'Service unavailable').fix).toBe(again);
    expect(classify(499, 'ABC-499', 'Client closed').fix).toBeUndefined();
    expect(classify(undefined, 'ABC-999', 'Something').fix).toBeUndefined();
  });
});

describe('where the RingCentral envelope is found', () => {
  const envelope = rcError('CMN-102', 'Resource is not found');
  const found = (body: Record<string, unknown>) => whole(membraneError(body, ''));

  it('under response, data, body, causedByError or error, inheriting the nearest status', () => {
    for (const key of ['response', 'data', 'body', 'causedByError', 'error']) {
      expect(found({ type: 't', key: 'k', message: 'm', statusCode: 404, [key]: envelope })).toMatchObject({
        code: 'ringcentral_error',
        message: 'RingCentral 404 CMN-102: Resource is not found',
      });
    }
  });

  it('up to six levels down, not seven', () => {
    const nest = (depth: number): unknown => (depth === 0 ? envelope : { data: nest(depth - 1) });
    expect(found({ type: 't', key: 'k', message: 'm', data: nest(5) }).code).toBe('ringcentral_error');
    expect(found({ type: 't', key: 'k', message: 'm', data: nest(6) })).toEqual({
      code: 'membrane_error',
      message: 'membrane failed (t/k): m',
      upstreamCode: 'k',
      fix: RUN_AGAIN,
    });
  });

  it('a status counts only as a whole number from 100 to 599 (status or statusCode)', () => {
    const withStatus = (status: unknown) => found({ type: 't', key: 'k', message: 'm', data: { status, data: envelope } }).message;
    expect(withStatus(100)).toBe('RingCentral 100 CMN-102: Resource is not found');
    expect(withStatus('599')).toBe('RingCentral 599 CMN-102: Resource is not found');
    for (const bad of [99, 600, 250.5, 'abc', null]) expect(withStatus(bad)).toBe('RingCentral CMN-102: Resource is not found');
    expect(found({ type: 't', key: 'k', message: 'm', data: { statusCode: 404, data: envelope } }).message).toBe(
      'RingCentral 404 CMN-102: Resource is not found',
    );
  });

  it('a nested node with no errors list counts only with a RingCentral-style code', () => {
    const nested = (errorCode: string) => found({ type: 't', key: 'k', message: 'm', data: { errorCode, message: 'inner' } });
    expect(nested('CMN-102').message).toBe('RingCentral CMN-102: inner');
    expect(nested('AGW-4011').code).toBe('membrane_error');
    expect(nested('xCMN-102').code).toBe('membrane_error');
    expect(nested('InvalidParameter').code).toBe('membrane_error');
    expect(found({ type: 't', key: 'k', message: 'm', data: { errorCode: 'InvalidParameter', message: 'x', errors: [] } }).message).toBe(
      'RingCentral InvalidParameter: x',
    );
  });

  it('the Membrane error itself is never read as the RingCentral envelope', () => {
    const body = { type: 't', key: 'k', message: 'm', errorCode: 'CMN-101', errors: [{ errorCode: 'CMN-101', message: 'inner' }] };
    expect(found(body).code).toBe('membrane_error');
  });

  it('asRingCentralError keeps a parameter name only when it is text', () => {
    expect(asRingCentralError({ errorCode: 'CMN-101', message: 'm', parameterName: 5 })).toEqual({
      errorCode: 'CMN-101',
      message: 'm',
      parameterName: undefined,
      status: undefined,
    });
  });
});

describe('rate limits', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const limited = (response: Record<string, unknown>, text = '') =>
    membraneError(upstream({ status: 429, ...response }), text).details.retryAfterSeconds;

  it('the whole error, with RingCentral message and code', () => {
    const body = upstream(
      { status: 429, headers: { 'X-Rate-Limit-Group': 'Heavy', 'Retry-After': '17' }, data: rcError('CMN-301', 'Request rate exceeded') },
      { actionRunId: 'run-9' },
    );
    expect(whole(membraneError(body, ''))).toEqual({
      code: 'rate_limited',
      message: 'RingCentral rate limit reached: Request rate exceeded',
      retryAfterSeconds: 17,
      upstreamCode: 'CMN-301',
      fix: 'wait 17 s before the next call to this kind of endpoint; every request sent inside the penalty window restarts it',
      actionRunId: 'run-9',
    });
  });

  it('without an envelope: the Membrane message and key', () => {
    expect(whole(membraneError({ type: 'bad_request', key: 'rate_limit_exceeded', message: 'Too many requests' }, ''))).toEqual({
      code: 'rate_limited',
      message: 'RingCentral rate limit reached: Too many requests',
      retryAfterSeconds: 60,
      upstreamCode: 'rate_limit_exceeded',
      fix: 'wait 60 s before the next call to this kind of endpoint; every request sent inside the penalty window restarts it',
    });
  });

  it('Retry-After as seconds (number or text, spaces allowed), capped to 1..3600 and rounded up', () => {
    expect(limited({ headers: { 'retry-after': ' 5 ' } })).toBe(5);
    expect(limited({ headers: { 'Retry-After': 2.2 } })).toBe(3);
    expect(limited({ headers: { 'Retry-After': 0 } })).toBe(1);
    expect(limited({ headers: { 'Retry-After': '99999' } })).toBe(3600);
    expect(limited({ retryAfter: 12 })).toBe(12);
  });

  it('Retry-After as an HTTP date: the seconds until then', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-03-01T10:00:00Z') });
    expect(limited({ headers: { 'Retry-After': 'Sun, 01 Mar 2026 10:00:30 GMT' } })).toBe(30);
  });

  it('an unreadable Retry-After is skipped for the next one, else 60 s', () => {
    expect(limited({ headers: { 'Retry-After': 'x5' }, data: { retryAfter: '8' } })).toBe(8);
    for (const value of ['x5', '5x', [7], Infinity, null, { s: 1 }]) expect(limited({ headers: { 'Retry-After': value } })).toBe(60);
  });

  it("the status line of `membrane request` counts only at a line's start; its Retry-After only at the end", () => {
    const body = { type: 'dependency_error', key: 'request_failed', message: 'Request failed' };
    expect(membraneError(body, 'HTTP 429 CMN-301: Request rate exceeded (Retry-After: 12)  \n').details.retryAfterSeconds).toBe(12);
    expect(membraneError(body, 'HTTP 429 CMN-301: x (Retry-After: 12) and more\n').details.retryAfterSeconds).toBe(60);
    expect(membraneError(body, 'proxy said HTTP 429 Too Many Requests\n').code).toBe('membrane_error');
  });
});

describe('actions, connections and the sandbox', () => {
  it('not_found about an action: find the action', () => {
    expect(whole(membraneError({ type: 'bad_request', key: 'not_found', message: 'Action list-foo not found' }, ''))).toEqual({
      code: 'not_found',
      message: 'no such action: Action list-foo not found',
      fix: 'find the action id or key with ringcentral_find_actions',
      upstreamCode: 'not_found',
    });
  });

  it('"action" that is not the first word, or another key, is no missing action', () => {
    expect(whole(membraneError({ type: 'bad_request', key: 'not_found', message: 'Record for action x is missing' }, ''))).toEqual({
      code: 'membrane_error',
      message: 'membrane failed (bad_request/not_found): Record for action x is missing',
      fix: RUN_AGAIN,
      upstreamCode: 'not_found',
    });
    expect(membraneError({ type: 'bad_request', key: 'invalid', message: 'action is required' }, '').code).toBe('membrane_error');
  });

  it('not_found about a connection: connect one', () => {
    expect(whole(membraneError({ type: 'bad_request', key: 'not_found', message: "Connection 'c1' not found" }, ''))).toEqual({
      code: 'no_connection',
      message: "the RingCentral connection was not found: Connection 'c1' not found",
      fix: `${FIX.connect}; if you pinned an id, check it with membrane connection list --json`,
      upstreamCode: 'not_found',
    });
  });

  it('an error that merely mentions a connection is not no_connection', () => {
    expect(whole(membraneError({ type: 'bad_request', key: 'invalid_input', message: 'connection field is invalid' }, ''))).toEqual({
      code: 'membrane_error',
      message: 'membrane failed (bad_request/invalid_input): connection field is invalid',
      fix: RUN_AGAIN,
      upstreamCode: 'invalid_input',
    });
  });

  it('state_corrupt: reset the sandbox', () => {
    expect(whole(membraneError({ type: 'internal', key: 'state_corrupt', message: 'bad JSON in state' }, ''))).toEqual({
      code: 'membrane_error',
      message: 'the sandbox state is unusable: bad JSON in state',
      fix: "run `membrane-sandbox reset` (this discards the sandbox's data), then call again",
      upstreamCode: 'state_corrupt',
    });
  });
});

describe('anything else: membrane_error', () => {
  it('labels with the type and key present; the code is the key, else the type', () => {
    expect(whole(membraneError({ key: 'boom', message: '  Something broke  ' }, ''))).toEqual({
      code: 'membrane_error',
      message: 'membrane failed (boom): Something broke',
      fix: RUN_AGAIN,
      upstreamCode: 'boom',
    });
    expect(whole(membraneError({ type: 'weird', message: 'm' }, ''))).toEqual({
      code: 'membrane_error',
      message: 'membrane failed (weird): m',
      fix: RUN_AGAIN,
      upstreamCode: 'weird',
    });
    expect(whole(membraneError({ message: 'm' }, ''))).toEqual({ code: 'membrane_error', message: 'membrane failed: m', fix: RUN_AGAIN });
  });

  it('a body without a message takes the text; without either there is still a message', () => {
    expect(membraneError({ key: 'k', message: '' }, 'Error: disk full\n').message).toBe('membrane failed (k): Error: disk full');
    expect(membraneError({ key: 'k' }, 'Error: disk full\n').message).toBe('membrane failed (k): Error: disk full');
    expect(whole(membraneError(undefined, ''))).toEqual({
      code: 'membrane_error',
      message: 'membrane failed: membrane failed without a message',
      fix: RUN_AGAIN,
    });
  });

  it('plain text: the first line that mentions an error, else the first line, trimmed, at most 500 characters', () => {
    expect(membraneError(undefined, 'Update available 1.5\n  Error: disk full  \nmore').message).toBe('membrane failed: Error: disk full');
    expect(membraneError(undefined, '\n   \n  first line  \nsecond').message).toBe('membrane failed: first line');
    expect(membraneError(undefined, `${'y'.repeat(600)}\n`).message).toBe(`membrane failed: ${'y'.repeat(500)}`);
  });

  it('server-side failures (internal type, 5xx, gateway and network errors) say to try again', () => {
    expect(whole(membraneError({ type: 'internal', key: 'oops', message: 'It broke', actionRunId: 'r1' }, ''))).toEqual({
      code: 'membrane_error',
      message: 'membrane failed (internal/oops): It broke',
      upstreamCode: 'oops',
      actionRunId: 'r1',
      fix: TEMPORARY,
    });
    for (const text of [
      'upstream answered 503',
      'internal error',
      'Internal Server Error',
      'bad gateway',
      'ECONNRESET',
      'socket hang up',
    ]) {
      expect(membraneError(undefined, text).details.fix).toBe(TEMPORARY);
    }
    for (const text of ['code 5x3', 'answered 5030', 'exit code 1']) expect(membraneError(undefined, text).details.fix).toBe(RUN_AGAIN);
  });
});
