/**
 * src/membrane/parse.ts: the tolerance rules for undocumented Membrane output (banners, list shapes, wrapped output,
 * errors on stdout/stderr/plain text with any exit code, error-shaped bodies with exit 0) and the
 * classification of Membrane and RingCentral errors into typed ToolErrors with their fixes.
 */
import { describe, expect, it } from 'vitest';
import { asRingCentralError, membraneError } from '../../src/membrane/classify.js';
import { extractJson, parseJson } from '../../src/json.js';
import { unwrapActionOutput } from '../../src/membrane/output.js';
import { asList, parseCliResult } from '../../src/membrane/output.js';
import type { CliResult } from '../../src/membrane/runner.js';
import { caught } from './caught.js';

const cli = (partial: Partial<CliResult>): CliResult => ({ argv: ['membrane'], stdout: '', stderr: '', exitCode: 0, ...partial });

/** RingCentral envelope with a legacy top-level code and the real code nested. */
const CMN_101 = {
  errorCode: 'InvalidParameter',
  message: 'Parameter [to] value is invalid',
  errors: [{ errorCode: 'CMN-101', message: 'Parameter [to.phoneNumber] value is invalid', parameterName: 'to.phoneNumber' }],
};

describe('extractJson', () => {
  it('parses a plain JSON document', () => {
    expect(extractJson('{"a":1}')).toEqual({ found: true, value: { a: 1 } });
    expect(extractJson('  [1,2]\n')).toEqual({ found: true, value: [1, 2] });
  });

  it('reports nothing for empty or whitespace-only text', () => {
    expect(extractJson('')).toEqual({ found: false });
    expect(extractJson(' \n\t\n')).toEqual({ found: false });
  });

  it('skips banner lines before the JSON (rule 1)', () => {
    const text = 'Update available: 1.4.0 -> 1.5.0\nRun npm i -g @membranehq/cli to update\n{"items":[{"id":"c1"}],"cursor":"n2"}\n';
    expect(extractJson(text)).toEqual({ found: true, value: { items: [{ id: 'c1' }], cursor: 'n2' } });
  });

  it('finds pretty-printed JSON after banners, with nested lines starting with { or [', () => {
    const doc = { items: [{ id: 'a', nested: { x: [1, 2] } }, { id: 'b' }] };
    const text = `notice: telemetry is on\n\n${JSON.stringify(doc, null, 2)}\n`;
    expect(extractJson(text)).toEqual({ found: true, value: doc });
  });

  it('ignores trailing notices after the JSON', () => {
    const text = '{"id":"1","name":"x"}\nA new version of membrane is available.\n';
    expect(extractJson(text)).toEqual({ found: true, value: { id: '1', name: 'x' } });
  });

  it('handles banners before and notices after a pretty-printed array', () => {
    const text = 'Welcome!\n[\n  {"id": 1},\n  {"id": 2}\n]\nDone in 0.3s\n';
    expect(extractJson(text)).toEqual({ found: true, value: [{ id: 1 }, { id: 2 }] });
  });

  it('is not fooled by a banner line that starts with [ or ends with ]', () => {
    const text = '[notice] new version [1.5.0]\n{"ok":true}\n[hint] run membrane update]';
    expect(extractJson(text)).toEqual({ found: true, value: { ok: true } });
  });

  it('finds a large pretty-printed document after a plain banner', () => {
    const doc = { items: Array.from({ length: 3000 }, (_, i) => ({ id: String(i), nested: { a: [i] } })) };
    expect(extractJson(`Update available\n${JSON.stringify(doc, null, 2)}\nbye\n`).value).toEqual(doc);
  });

  it('a banner starting with "[" before a large pretty-printed document', () => {
    const doc = { items: Array.from({ length: 1500 }, (_, i) => ({ id: String(i), name: `n${i}`, nested: { a: [i] } })) };
    expect(extractJson(`[notice] update available\n${JSON.stringify(doc, null, 2)}\n`).value).toEqual(doc);
  });

  it('reports nothing when there is no JSON at all', () => {
    expect(extractJson('Logged in as someone@example.com\nWorkspace: acme')).toEqual({ found: false });
    expect(extractJson('{ not json')).toEqual({ found: false });
  });

  it('accepts scalar JSON when the whole text is a document', () => {
    expect(extractJson('null')).toEqual({ found: true, value: null });
    expect(extractJson('"x"')).toEqual({ found: true, value: 'x' });
  });
});

describe('parseJson: exact int64 ids', () => {
  it('keeps integers beyond 2^53 as their exact digits, anywhere in the document', () => {
    const text =
      '{"id":8263573593189910683,"conversationId":8263573593189910683,"conversation":{"id":"8263573593189910683"},"to":[{"recipientId":-7301942116000000123}],"ids":[9007199254740993,1]}';
    expect(parseJson(text)).toEqual({
      id: '8263573593189910683',
      conversationId: '8263573593189910683',
      conversation: { id: '8263573593189910683' },
      to: [{ recipientId: '-7301942116000000123' }],
      ids: ['9007199254740993', 1],
    });
  });

  it('keeps safe numbers as numbers, including the largest safe integer and fractions', () => {
    expect(parseJson('{"a":9007199254740991,"b":1.5,"c":-2,"d":1e3,"e":12345678901234567.5}')).toEqual({
      a: 9007199254740991,
      b: 1.5,
      c: -2,
      d: 1000,
      // eslint-disable-next-line no-loss-of-precision -- a fraction stays a JS number, rounded the same way as this literal
      e: 12345678901234567.5,
    });
  });

  it('is what extractJson and parseCliResult use, behind banners and inside wrappers', () => {
    expect(extractJson('Update available\n{"output":{"id":8263573593189910683}}\n').value).toEqual({
      output: { id: '8263573593189910683' },
    });
    expect(parseCliResult(cli({ stdout: '[{"id":7301942116000000042,"cursor":"c"}]' }))).toEqual([
      { id: '7301942116000000042', cursor: 'c' },
    ]);
  });

  it('still rejects what is not JSON', () => {
    expect(() => parseJson('{"id":8263573593189910683,}')).toThrow(SyntaxError);
  });

  it('a key given twice keeps its last value, as JSON.parse does, with or without a 16-digit run', () => {
    // A 16-digit run can come from an SMS body; it must not change what is read.
    const text =
      '{"records":[{"id":1,"subject":"code 1234567890123456"}],"id":8263573593189910683,"records":[{"id":2}],"id":8263573593189910684}';
    expect(parseJson(text)).toStrictEqual({ records: [{ id: 2 }], id: '8263573593189910684' });
    expect(Object.keys(parseJson(text) as object)).toEqual(Object.keys(JSON.parse(text) as object));
    expect(parseJson('{"a":{"x":1},"a":{"y":"1234567890123456"}}')).toStrictEqual(JSON.parse('{"a":{"x":1},"a":{"y":"1234567890123456"}}'));
    expect(parseJson('{"__proto__":{"id":8263573593189910683},"__proto__":{"id":8263573593189910684}}')).toStrictEqual(
      JSON.parse('{"__proto__":{"id":"8263573593189910684"}}'),
    );
  });
});

describe('extractJson: a document that fails as a whole is never read from its inside', () => {
  const pretty = (records: string[]) =>
    `{\n  "records": [\n${records.map((r) => `    ${r}`).join(',\n')}\n  ],\n  "paging": {"page": 1}\n}`;

  it('a duplicate key with a 16-digit run is read whole (the last value), never a nested record', () => {
    const text = pretty(['{"id": 8263573593189910683, "subject": "PIN 1234567890123456"}', '{"id": 2}']).replace(
      '"paging"',
      '"records": [],\n  "paging"',
    );
    expect(extractJson(text)).toStrictEqual({ found: true, value: { records: [], paging: { page: 1 } } });
    expect(extractJson(`Update available\n${text}\nbye\n`)).toStrictEqual({ found: true, value: { records: [], paging: { page: 1 } } });
  });

  it('a broken document (a bad value, a trailing comma) is no document, whatever it holds', () => {
    for (const broken of [pretty(['{"id": 1}', '{"id": NaN}']), pretty(['{"id": 1}', '{"id": 2},']), `[\n{"id": 1},\n{"id": 2}\n,]`]) {
      expect(extractJson(broken), broken).toStrictEqual({ found: false });
      expect(extractJson(`[notice] update\n${broken}\ntrailer`), broken).toStrictEqual({ found: false });
    }
  });

  it('a document cut short is no document: its records are not read as the result', () => {
    const cut = pretty(['{"id": 1}', '{"id": 2}', '{"id": 3}']).slice(0, -30);
    expect(extractJson(cut)).toStrictEqual({ found: false });
    expect(extractJson(`banner\n${cut}`)).toStrictEqual({ found: false });
  });

  it('a document after a broken bracketed notice on its own lines is still found', () => {
    expect(extractJson('[notice] {x}\n{"a":1}\n')).toStrictEqual({ found: true, value: { a: 1 } });
    expect(extractJson('{bad}\n{"a":1}')).toStrictEqual({ found: true, value: { a: 1 } });
  });
});

describe('asRingCentralError', () => {
  it('keys on the nested errors[0] code, not the legacy top-level symbol', () => {
    expect(asRingCentralError(CMN_101, 400)).toEqual({
      errorCode: 'CMN-101',
      message: 'Parameter [to.phoneNumber] value is invalid',
      parameterName: 'to.phoneNumber',
      status: 400,
    });
  });

  it('falls back to the top level when there is no errors array', () => {
    expect(asRingCentralError({ errorCode: 'AGW-401', message: 'Authorization header is not specified' })).toEqual({
      errorCode: 'AGW-401',
      message: 'Authorization header is not specified',
      parameterName: undefined,
      status: undefined,
    });
  });

  it('uses the top-level parameterName when the nested error has none', () => {
    const env = {
      errorCode: 'CMN-102',
      message: 'm',
      parameterName: 'messageId',
      errors: [{ errorCode: 'CMN-102', message: 'Resource for parameter [messageId] is not found' }],
    };
    expect(asRingCentralError(env)?.parameterName).toBe('messageId');
  });

  it('returns undefined for anything that is not an envelope', () => {
    for (const value of [
      undefined,
      null,
      'CMN-101',
      42,
      [CMN_101],
      {},
      { errorCode: 'CMN-101' },
      { message: 'x' },
      { errorCode: 5, message: 'x' },
    ]) {
      expect(asRingCentralError(value)).toBeUndefined();
    }
  });
});

describe('membraneError', () => {
  it('not_authenticated -> not_logged_in with the membrane login --tenant fix', () => {
    const error = membraneError({ type: 'bad_request', key: 'not_authenticated', message: 'Unauthorized' }, '');
    expect(error.code).toBe('not_logged_in');
    expect(error.details.fix).toContain('membrane login --tenant');
    expect(error.details.upstreamCode).toBe('not_authenticated');
  });

  it('plain "Not logged in" text -> not_logged_in', () => {
    const error = membraneError(undefined, 'Error: Not logged in. Run `membrane login --tenant` first.');
    expect(error.code).toBe('not_logged_in');
    expect(error.details.fix).toContain('membrane login --tenant');
  });

  it('connection_is_defunct -> connection_not_ready with membrane connect --connectionId=<id>', () => {
    const error = membraneError({ type: 'connection', key: 'connection_is_defunct', message: 'Connection is defunct' }, '', {
      connectionId: 'conn-42',
    });
    expect(error.code).toBe('connection_not_ready');
    expect(error.details.fix).toBe('membrane connect --connectionId=conn-42');
    expect(error.details.upstreamCode).toBe('connection_is_defunct');
  });

  it('connection_is_defunct without a known id still names the command with a placeholder', () => {
    const error = membraneError({ type: 'connection', key: 'connection_is_defunct', message: 'x' }, '');
    expect(error.details.fix).toMatch(/^membrane connect --connectionId=\S+$/);
  });

  it('access_token_expired -> connection_not_ready', () => {
    expect(membraneError({ type: 'connection', key: 'access_token_expired', message: 'token expired' }, '').code).toBe(
      'connection_not_ready',
    );
  });

  it('rate_limit_exceeded -> rate_limited with Retry-After from data.response.headers', () => {
    const body = {
      type: 'connection',
      key: 'rate_limit_exceeded',
      message: 'Rate limit exceeded',
      data: {
        response: {
          status: 429,
          headers: { 'Retry-After': '17', 'X-Rate-Limit-Group': 'heavy' },
          data: {
            errorCode: 'CMN-301',
            message: 'Request rate exceeded',
            errors: [{ errorCode: 'CMN-301', message: 'Request rate exceeded' }],
          },
        },
      },
    };
    const error = membraneError(body, '');
    expect(error.code).toBe('rate_limited');
    expect(error.details.retryAfterSeconds).toBe(17);
    expect(error.details.upstreamCode).toBe('CMN-301');
    expect(error.toText()).toContain('Retry after 17 s');
  });

  it('status 429 inside a dependency_error (lower-case retry-after, numeric) -> rate_limited', () => {
    const body = {
      type: 'dependency_error',
      key: 'request_failed',
      message: 'Upstream request failed',
      data: {
        response: {
          status: 429,
          headers: { 'retry-after': 42 },
          data: {
            errorCode: 'CMN-301',
            message: 'Request rate exceeded',
            errors: [{ errorCode: 'CMN-301', message: 'Request rate exceeded' }],
          },
        },
      },
    };
    const error = membraneError(body, '');
    expect(error.code).toBe('rate_limited');
    expect(error.details.retryAfterSeconds).toBe(42);
  });

  it('status 429 with Retry-After but no RingCentral envelope -> rate_limited', () => {
    const body = {
      type: 'dependency_error',
      key: 'request_failed',
      message: 'Upstream request failed',
      data: { response: { status: 429, headers: { 'Retry-After': '9' }, data: '' } },
    };
    const error = membraneError(body, '');
    expect(error.code).toBe('rate_limited');
    expect(error.details.retryAfterSeconds).toBe(9);
  });

  it('a rate limit without Retry-After still says when to retry (60 s default)', () => {
    const error = membraneError({ type: 'bad_request', key: 'rate_limit_exceeded', message: 'Too many requests' }, '');
    expect(error.code).toBe('rate_limited');
    expect(error.details.retryAfterSeconds).toBe(60);
  });

  it('a RingCentral envelope nested in a dependency_error (data.response.data) quotes the nested code and parameter', () => {
    const body = {
      type: 'dependency_error',
      key: 'bad_response',
      message: 'Request failed with status code 400',
      actionRunId: 'run-7',
      data: { response: { status: 400, headers: {}, data: CMN_101 } },
    };
    const error = membraneError(body, '');
    expect(error.code).toBe('ringcentral_error');
    expect(error.message).toContain('CMN-101');
    expect(error.message).not.toContain('InvalidParameter');
    expect(error.message).toContain('to.phoneNumber');
    expect(error.message).toContain('400');
    expect(error.details.upstreamCode).toBe('CMN-101');
    expect(error.details.actionRunId).toBe('run-7');
    expect(error.toText()).toContain('membrane action-run-log get run-7 --details');
  });

  it('a RingCentral envelope in causedByError is found too', () => {
    const body = {
      type: 'action_run',
      key: 'failed',
      message: 'Action failed',
      causedByError: {
        data: {
          response: {
            status: 404,
            data: {
              errors: [{ errorCode: 'CMN-102', message: 'Resource for parameter [contactId] is not found', parameterName: 'contactId' }],
            },
          },
        },
      },
    };
    const error = membraneError(body, '');
    expect(error.code).toBe('ringcentral_error');
    expect(error.message).toContain('CMN-102');
    expect(error.message).toContain('404');
    expect(error.message).toContain('contactId');
  });

  it('an upstream 401 means the connection token was rejected -> connection_not_ready', () => {
    const body = {
      type: 'dependency_error',
      key: 'x',
      message: 'Request failed',
      data: {
        response: {
          status: 401,
          data: { errorCode: 'TokenInvalid', message: 'x', errors: [{ errorCode: 'OAU-149', message: 'Unparsable access token' }] },
        },
      },
    };
    const error = membraneError(body, '', { connectionId: 'c9' });
    expect(error.code).toBe('connection_not_ready');
    expect(error.message).toContain('OAU-149');
    expect(error.details.fix).toBe('membrane connect --connectionId=c9');
  });

  it('not_found about a connection -> no_connection with the connect fix', () => {
    const error = membraneError({ type: 'bad_request', key: 'not_found', message: "Connection with id 'c1' not found" }, '');
    expect(error.code).toBe('no_connection');
    expect(error.details.fix).toContain('membrane connection ensure');
  });

  it('anything else -> membrane_error naming type/key and keeping the actionRunId', () => {
    const error = membraneError({ type: 'internal', key: 'boom', message: 'Something broke', actionRunId: 'r1' }, '');
    expect(error.code).toBe('membrane_error');
    expect(error.message).toContain('internal/boom');
    expect(error.message).toContain('Something broke');
    expect(error.details.actionRunId).toBe('r1');
  });

  it('an empty text without a body still has a message', () => {
    const error = membraneError(undefined, '   ');
    expect(error.code).toBe('membrane_error');
    expect(error.message.length).toBeGreaterThan(10);
  });
});

describe('parseCliResult: success', () => {
  it('returns the JSON of stdout', () => {
    expect(parseCliResult(cli({ stdout: '{"items":[],"cursor":"x"}' }))).toEqual({ items: [], cursor: 'x' });
  });

  it('returns JSON that follows banners and precedes notices', () => {
    expect(parseCliResult(cli({ stdout: 'Update available\n[{"id":"a"}]\nbye\n' }))).toEqual([{ id: 'a' }]);
  });

  it('ignores warnings on stderr when the exit code is 0 and stdout is JSON', () => {
    expect(parseCliResult(cli({ stdout: '{"id":"1"}', stderr: 'Warning: deprecated flag\n' }))).toEqual({ id: '1' });
  });

  it('allows empty stdout for request (allowEmpty, e.g. a 204)', () => {
    expect(parseCliResult(cli({ stdout: '' }), { expect: 'json-or-empty' })).toBeUndefined();
    expect(parseCliResult(cli({ stdout: '  \n' }), { expect: 'json-or-empty' })).toBeUndefined();
  });

  it('allows empty stdout for `action run` (a write without output), unless stderr says something', () => {
    const argv = ['membrane', 'action', 'run', 'act1', '--connectionId', 'c1', '--input', '{}', '--json'];
    expect(parseCliResult(cli({ argv, stdout: '' }), { expect: 'action-output' })).toBeUndefined();
    expect(
      caught(() => parseCliResult(cli({ argv, stdout: '', stderr: 'Error: Not logged in\n' }), { expect: 'action-output' })).code,
    ).toBe('not_logged_in');
    expect(caught(() => parseCliResult(cli({ argv: ['membrane', 'connection', 'list', '--json'], stdout: '' }))).code).toBe(
      'unparseable_output',
    );
  });

  it('does not treat a resource that has a type and a message but also an id as an error', () => {
    const post = { id: '77', type: 'TextMessage', message: 'hello', key: 'k' };
    expect(parseCliResult(cli({ stdout: JSON.stringify(post) }))).toEqual(post);
  });

  it('does not treat wrapped action output {output, actionRunId} as an error', () => {
    const value = { output: { type: 'x', key: 'y', message: 'z' }, actionRunId: 'r' };
    expect(parseCliResult(cli({ stdout: JSON.stringify(value) }))).toEqual(value);
  });
});

describe('parseCliResult: a 4xx from membrane request', () => {
  const request = {
    method: 'GET',
    path: '/restapi/v1.0/account/~/extension/~/message-store/9',
    target: '/account/~/extension/~/message-store/9',
  };

  it("RingCentral's status line on stderr alone is RingCentral's error with the path, not a membrane failure to run by hand", () => {
    const error = caught(() =>
      parseCliResult(cli({ stderr: 'HTTP 404 CMN-102: Resource for parameter [messageId] is not found\n', exitCode: 1 }), { request }),
    );
    expect(error.code).toBe('ringcentral_error');
    expect(error.message).toBe(
      'RingCentral 404 CMN-102: Resource for parameter [messageId] is not found (GET /restapi/v1.0/account/~/extension/~/message-store/9, sent as /account/~/extension/~/message-store/9)',
    );
    expect(error.details.fix).toMatch(/^check the id/);
    const bare = caught(() => parseCliResult(cli({ stderr: 'HTTP 403\n', exitCode: 1 }), { request }));
    expect(bare.code).toBe('ringcentral_error');
    expect(bare.details.upstreamCode).toBe('HTTP-403');
  });

  it("the gateway's 404 on a path a tool built names the REST base; on the caller's own path, the path", () => {
    const agw = cli({
      stdout: '{"errorCode":"AGW-404","message":"Resource not found"}',
      stderr: 'HTTP 404 AGW-404: Resource not found\n',
      exitCode: 1,
    });
    const built = caught(() => parseCliResult(agw, { request }));
    expect(built.code).toBe('ringcentral_error');
    expect(built.details.fix).toMatch(/^the connector's REST base is the likely cause .*ringcentral_status/);
    const given = caught(() => parseCliResult(agw, { request: { ...request, byCaller: true } }));
    expect(given.details.fix).toMatch(/^check the path: no RingCentral API answers there/);
  });
});

describe('parseCliResult: failures', () => {
  it('killed by a signal -> cli_crashed, whatever it printed', () => {
    const error = caught(() => parseCliResult(cli({ stdout: '{"id":"1"}', exitCode: undefined, signal: 'SIGKILL' })));
    expect(error.code).toBe('cli_crashed');
    expect(error.message).toContain('SIGKILL');
  });

  it('non-JSON stdout with exit 0 -> unparseable_output showing the first bytes', () => {
    const stdout = 'Logged in as someone@example.com. ' + 'x'.repeat(500);
    const error = caught(() => parseCliResult(cli({ stdout })));
    expect(error.code).toBe('unparseable_output');
    expect(error.message).toContain('Logged in as someone@example.com');
    expect(error.message.length).toBeLessThan(400);
  });

  it('empty stdout with exit 0 is unparseable without allowEmpty', () => {
    expect(caught(() => parseCliResult(cli({ stdout: '' }))).code).toBe('unparseable_output');
  });

  it('empty stdout with exit 0 and text on stderr reports the stderr text', () => {
    const error = caught(() => parseCliResult(cli({ stdout: '', stderr: 'Error: Not logged in\n' }), { expect: 'json' }));
    expect(error.code).toBe('not_logged_in');
  });

  for (const exitCode of [1, 2, 127, 255]) {
    it(`Membrane error JSON on stdout with exit ${exitCode}`, () => {
      const stdout = JSON.stringify({ type: 'bad_request', key: 'not_authenticated', message: 'Not authenticated' });
      const error = caught(() => parseCliResult(cli({ stdout, exitCode })));
      expect(error.code).toBe('not_logged_in');
      expect(error.details.fix).toContain('membrane login --tenant');
    });

    it(`Membrane error JSON on stderr with exit ${exitCode}`, () => {
      const stderr = 'Error:\n' + JSON.stringify({ type: 'connection', key: 'connection_is_defunct', message: 'defunct' }, null, 2) + '\n';
      const error = caught(() => parseCliResult(cli({ stderr, exitCode }), { connectionId: 'abc123' }));
      expect(error.code).toBe('connection_not_ready');
      expect(error.details.fix).toBe('membrane connect --connectionId=abc123');
    });

    it(`plain text on stderr with exit ${exitCode}`, () => {
      const error = caught(() =>
        parseCliResult(cli({ stderr: 'Error: Connection is disconnected, please reconnect\n', exitCode }), { connectionId: 'c5' }),
      );
      expect(error.code).toBe('connection_not_ready');
      expect(error.details.fix).toBe('membrane connect --connectionId=c5');
    });
  }

  it('a failure with no output at all names the exit code', () => {
    const error = caught(() => parseCliResult(cli({ exitCode: 3 })));
    expect(error.code).toBe('membrane_error');
    expect(error.message).toContain('3');
  });

  it('a failure with a generic plain-text stderr keeps the text', () => {
    const error = caught(() =>
      parseCliResult(cli({ stderr: 'Error: ECONNRESET talking to api.integration.app\n', stdout: 'ignored non-json', exitCode: 1 })),
    );
    expect(error.code).toBe('membrane_error');
    expect(error.message).toContain('ECONNRESET');
  });

  it('plain-text error on stderr after a banner line is still classified', () => {
    const stderr = 'Update available 1.4.0 -> 1.5.0\nError: Not logged in. Run membrane login --tenant\n';
    const error = caught(() => parseCliResult(cli({ stderr, exitCode: 1 })));
    expect(error.code).toBe('not_logged_in');
  });

  it('a bare RingCentral envelope on stdout with exit 1 (request) quotes the nested code, parameter and HTTP status', () => {
    const error = caught(() =>
      parseCliResult(cli({ stdout: JSON.stringify(CMN_101), stderr: 'HTTP 400 Bad Request\n', exitCode: 1 }), { expect: 'json-or-empty' }),
    );
    expect(error.code).toBe('ringcentral_error');
    expect(error.message).toContain('CMN-101');
    expect(error.message).toContain('to.phoneNumber');
    expect(error.message).toContain('400');
    expect(error.details.upstreamCode).toBe('CMN-101');
  });

  it('exit 0 with a Membrane {type,key,message} body is an error', () => {
    const stdout = JSON.stringify({ type: 'bad_request', key: 'not_found', message: "Connection with id 'c1' not found", data: {} });
    const error = caught(() => parseCliResult(cli({ stdout })));
    expect(error.code).toBe('no_connection');
  });

  it('exit 0 with a Membrane error after a banner is an error', () => {
    const stdout = 'Update available\n' + JSON.stringify({ type: 'internal', key: 'oops', message: 'internal failure' });
    expect(caught(() => parseCliResult(cli({ stdout }))).code).toBe('membrane_error');
  });

  it('exit 0 with a RingCentral envelope (legacy top-level code) is an error quoting the nested code and parameter', () => {
    const error = caught(() => parseCliResult(cli({ stdout: JSON.stringify(CMN_101) }), { expect: 'json-or-empty' }));
    expect(error.code).toBe('ringcentral_error');
    expect(error.message).toContain('CMN-101');
    expect(error.message).toContain('to.phoneNumber');
    expect(error.message).not.toMatch(/InvalidParameter/);
  });

  it('exit 0 with a dependency_error wrapping a RingCentral envelope is an error', () => {
    const stdout = JSON.stringify({
      type: 'dependency_error',
      key: 'bad_response',
      message: 'Request failed with status code 400',
      data: { response: { status: 400, data: CMN_101 } },
    });
    const error = caught(() => parseCliResult(cli({ stdout })));
    expect(error.code).toBe('ringcentral_error');
    expect(error.message).toContain('CMN-101');
    expect(error.message).toContain('to.phoneNumber');
  });

  it('exit 1 with a rate limit and Retry-After in data.response.headers', () => {
    const stdout = JSON.stringify({
      type: 'bad_request',
      key: 'rate_limit_exceeded',
      message: 'Rate limit exceeded',
      data: { response: { status: 429, headers: { 'Retry-After': '33' } } },
    });
    const error = caught(() => parseCliResult(cli({ stdout, exitCode: 1 })));
    expect(error.code).toBe('rate_limited');
    expect(error.details.retryAfterSeconds).toBe(33);
  });

  for (const exitCode of [0, 1]) {
    it(`request: RingCentral 429 envelope on stdout, "HTTP 429 ... Retry-After" on stderr, exit ${exitCode} -> rate_limited`, () => {
      const stdout = JSON.stringify({
        errorCode: 'CMN-301',
        message: 'Request rate exceeded',
        errors: [{ errorCode: 'CMN-301', message: 'Request rate exceeded' }],
      });
      const stderr = 'HTTP 429 CMN-301: Request rate exceeded (Retry-After: 12)\n';
      const error = caught(() => parseCliResult(cli({ stdout, stderr, exitCode }), { expect: 'json-or-empty' }));
      expect(error.code).toBe('rate_limited');
      expect(error.details.retryAfterSeconds).toBe(12);
      expect(error.details.upstreamCode).toBe('CMN-301');
    });
  }

  it('request: RingCentral CMN-301 envelope without any status -> rate_limited', () => {
    const stdout = JSON.stringify({
      errorCode: 'CMN-301',
      message: 'Request rate exceeded',
      errors: [{ errorCode: 'CMN-301', message: 'Request rate exceeded' }],
    });
    const error = caught(() => parseCliResult(cli({ stdout, exitCode: 1 }), { expect: 'json-or-empty' }));
    expect(error.code).toBe('rate_limited');
  });

  it('exit 0, empty stdout, Membrane error JSON on stderr -> classified like a non-zero exit', () => {
    const stderr = JSON.stringify({ type: 'bad_request', key: 'not_authenticated', message: 'Unauthorized' }, null, 2);
    const error = caught(() => parseCliResult(cli({ stderr })));
    expect(error.code).toBe('not_logged_in');
  });
});

describe('asList (rule 2)', () => {
  it('accepts a bare array', () => {
    expect(asList([{ id: 1 }, { id: 2 }])).toEqual({ items: [{ id: 1 }, { id: 2 }] });
  });

  it('accepts {items, cursor}', () => {
    expect(asList({ items: [{ id: 1 }], cursor: 'next' })).toEqual({ items: [{ id: 1 }], cursor: 'next' });
  });

  it('drops an empty or non-string cursor', () => {
    expect(asList({ items: [], cursor: '' }).cursor).toBeUndefined();
    expect(asList({ items: [], cursor: null }).cursor).toBeUndefined();
    expect(asList({ items: [] }).cursor).toBeUndefined();
  });

  it('rejects anything else as unparseable_output', () => {
    for (const value of [null, 'x', 3, { records: [] }, { items: 'no' }]) {
      expect(caught(() => asList(value)).code).toBe('unparseable_output');
    }
  });
});

describe('unwrapActionOutput (rule 3)', () => {
  it('unwraps {output, actionRunId}', () => {
    expect(unwrapActionOutput({ output: { id: 5 }, actionRunId: 'r1' })).toEqual({ output: { id: 5 }, actionRunId: 'r1' });
  });

  it('unwraps {output} alone and {output, actionRunId, logs}', () => {
    expect(unwrapActionOutput({ output: [1, 2] })).toEqual({ output: [1, 2], actionRunId: undefined });
    expect(unwrapActionOutput({ output: 'x', actionRunId: 'r', logs: [] })).toEqual({ output: 'x', actionRunId: 'r' });
  });

  it('a write action without output gives undefined output and keeps the run id', () => {
    expect(unwrapActionOutput({ actionRunId: 'r2' })).toEqual({ output: undefined, actionRunId: 'r2' });
  });

  it('passes unwrapped output through unchanged', () => {
    const body = { records: [{ id: 1 }], navigation: {} };
    expect(unwrapActionOutput(body)).toEqual({ output: body });
    expect(unwrapActionOutput([1])).toEqual({ output: [1] });
    expect(unwrapActionOutput(null)).toEqual({ output: null });
  });

  it('does not unwrap a resource that merely has an output field among others', () => {
    const resource = { id: '9', output: 'speaker', name: 'device' };
    expect(unwrapActionOutput(resource)).toEqual({ output: resource });
  });
});
