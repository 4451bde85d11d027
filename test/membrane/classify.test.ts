/**
 * src/membrane/classify.ts as a table: each rule has its rows (a failure it names, and the code it
 * gives), and each row is named by exactly that rule, the first in the table's order that
 * recognises it. A new Membrane error is one rule and one row here.
 */
import { describe, expect, it } from 'vitest';
import { toToolError, ToolError } from '../../src/errors.js';
import { factsOf, membraneError, RULES, type ErrorContext } from '../../src/membrane/classify.js';
import type { JsonObject } from '../../src/json.js';

interface Row {
  /** What the row shows. */
  case: string;
  body?: JsonObject;
  text?: string;
  context?: ErrorContext;
  code: string;
}

const upstream = (response: JsonObject): JsonObject => ({
  type: 'dependency_error',
  key: 'request_failed',
  message: 'Request failed',
  data: { response },
});
const rc = (errorCode: string, status: number): JsonObject => upstream({ status, data: { errors: [{ errorCode, message: 'm' }] } });

const ROWS: Record<string, Row[]> = {
  rateLimit: [
    { case: 'the key', body: { key: 'rate_limit_exceeded', message: 'slow down' }, code: 'rate_limited' },
    {
      case: "RingCentral's code without a status",
      body: upstream({ data: { errors: [{ errorCode: 'CMN-301', message: 'm' }] } }),
      code: 'rate_limited',
    },
    { case: 'a 429 anywhere in the error', body: { type: 't', message: 'm', data: { status: 429 } }, code: 'rate_limited' },
    { case: 'the status line of `membrane request`', text: 'HTTP 429 CMN-301: Too many (Retry-After: 5)\n', code: 'rate_limited' },
  ],
  notLoggedIn: [
    { case: 'the key', body: { key: 'not_authenticated', message: 'who are you' }, code: 'not_logged_in' },
    { case: 'plain text', text: 'Error: Not logged in. Run membrane login\n', code: 'not_logged_in' },
  ],
  connectionState: [
    {
      case: 'a state in data',
      body: { type: 'connection', key: 'k', message: 'm', data: { state: 'BUILDING' } },
      code: 'connection_not_ready',
    },
  ],
  defunct: [
    { case: 'the key', body: { key: 'connection_is_defunct', message: 'm' }, code: 'connection_not_ready' },
    {
      case: 'a connection error, READY in data',
      body: { type: 'connection', message: 'm', data: { state: 'READY' } },
      code: 'connection_not_ready',
    },
    { case: 'plain text', text: 'Error: connection disconnected\n', code: 'connection_not_ready' },
  ],
  tokenRejected: [{ case: 'an upstream 401', body: rc('OAU-213', 401), code: 'connection_not_ready' }],
  ringCentral: [
    { case: 'an upstream 404', body: rc('CMN-102', 404), code: 'ringcentral_error' },
    {
      case: "RingCentral's body as plain text",
      text: '{"errors":[{"errorCode":"CMN-101","message":"bad"}],"errorCode":"CMN-101","message":"bad"}',
      code: 'ringcentral_error',
    },
    { case: 'a 4xx status line', text: 'HTTP 404 AGW-404: Resource not found\n', code: 'ringcentral_error' },
  ],
  noSuchAction: [
    { case: 'not_found about an action', body: { key: 'not_found', message: 'Action send-fax not found' }, code: 'not_found' },
  ],
  sandboxCorrupt: [{ case: 'the key', body: { key: 'state_corrupt', message: 'bad state file' }, code: 'membrane_error' }],
  noConnection: [
    { case: 'not_found about a connection', body: { key: 'not_found', message: 'Connection c9 not found' }, code: 'no_connection' },
  ],
  fallback: [
    { case: 'an unknown key', body: { type: 'bad_request', key: 'invalid', message: 'action is required' }, code: 'membrane_error' },
    { case: 'plain text of nothing known', text: 'Error: something odd\n', code: 'membrane_error' },
    { case: 'nothing at all', text: '', code: 'membrane_error' },
  ],
};

/** The name of the first rule that recognises the failure, or `fallback`. */
const ruleFor = (row: Row): string => {
  const facts = factsOf(row.body, row.text ?? '', row.context);
  return RULES.find(([, rule]) => rule(facts) !== undefined)?.[0] ?? 'fallback';
};

describe('the classification table', () => {
  it('every rule has rows, and every row names a rule of the table', () => {
    expect(Object.keys(ROWS)).toEqual([...RULES.map(([name]) => name), 'fallback']);
  });

  for (const [name, rows] of Object.entries(ROWS)) {
    for (const row of rows) {
      it(`${name}: ${row.case} -> ${row.code}`, () => {
        expect(ruleFor(row)).toBe(name);
        const error = membraneError(row.body, row.text ?? '', row.context);
        expect(error.code).toBe(row.code);
        expect(error.details.fix).toBeTruthy();
      });
    }
  }
});

describe('an exception nothing classified', () => {
  it('is `internal`, with a fix, never a Membrane error', () => {
    const error = toToolError(new TypeError("Cannot read properties of undefined (reading 'id')"));
    expect(error.toJSON()).toEqual({
      code: 'internal',
      message: "an unexpected error in ringcentral-mcp: Cannot read properties of undefined (reading 'id')",
      fix: 'run the call again; if it happens again, report it with this message (run with the same input and `ringcentral-mcp doctor` to see the setup)',
    });
    expect(toToolError('thrown text').code).toBe('internal');
  });

  it('a ToolError passes through as it is', () => {
    const error = new ToolError('timeout', 'slow');
    expect(toToolError(error)).toBe(error);
  });
});
