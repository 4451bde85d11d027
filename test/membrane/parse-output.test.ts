/**
 * src/membrane/parse.ts, reading what the CLI printed: where the JSON document starts, which
 * exit-0 outputs are errors after all (an `action run` must never report success on garbage), and
 * the list and action-output shapes.
 */
import { describe, expect, it } from 'vitest';
import { FIX } from '../../src/errors.js';
import { extractJson, parseJson } from '../../src/json.js';
import { unwrapActionOutput } from '../../src/membrane/output.js';
import { asList, parseCliResult } from '../../src/membrane/output.js';
import type { CliResult } from '../../src/membrane/runner.js';
import { caught } from '../unit/caught.js';

const ACTION_RUN = ['membrane', 'action', 'run', 'act-1', '--connectionId', 'c1', '--input', '{}', '--json'];
const cli = (partial: Partial<CliResult>): CliResult => ({ argv: ACTION_RUN, stdout: '', stderr: '', exitCode: 0, ...partial });
const failed = (result: Partial<CliResult>, options: Parameters<typeof parseCliResult>[1] = {}) =>
  caught(() => parseCliResult(cli(result), options)).toJSON();

const UNPARSEABLE_FIX = 'check `membrane --version` (an outdated CLI may print text) and run the command by hand to see its output';

describe('parseJson', () => {
  it('without a 16-digit run the native parser reads the document (a repeated key keeps the last value)', () => {
    expect(parseJson('{"a":1,"a":2}')).toEqual({ a: 2 });
  });

  it('with a 16-digit run too: the CLI output is read whole, never a record from inside it', () => {
    const stdout = [
      '{',
      '  "output": {',
      '    "records": [',
      '      {"id": 8263573593189910683, "subject": "Your code is 1234567890123456"}',
      '    ],',
      '    "records": []',
      '  },',
      '  "actionRunId": "run-1"',
      '}',
    ].join('\n');
    expect(parseCliResult(cli({ stdout }))).toStrictEqual({ output: { records: [] }, actionRunId: 'run-1' });
  });
});

describe('extractJson: where the document starts', () => {
  it('only a line that starts with { or [ (after blanks) starts a document', () => {
    expect(extractJson('note {"a":1}')).toEqual({ found: false });
    expect(extractJson('banner\n \t\r{"a":1}\ntrailer')).toEqual({ found: true, value: { a: 1 } });
    expect(extractJson(' {"a":1}\nbanner')).toEqual({ found: true, value: { a: 1 } });
    expect(extractJson('{}\nbanner')).toEqual({ found: true, value: {} });
  });

  it('a trailing blank line is no start', () => {
    expect(extractJson('x{"a":1}\n\t')).toEqual({ found: false });
  });

  it('brackets inside strings, escaped quotes included, do not close the document', () => {
    expect(extractJson('banner\n{"a":"}"}\n')).toEqual({ found: true, value: { a: '}' } });
    expect(extractJson('banner\n{"a":"x\\"}"}\n')).toEqual({ found: true, value: { a: 'x"}' } });
  });

  it('tries at most 20 lines that start with a bracket; other lines do not count', () => {
    const bad = (n: number) => '[notice]\n'.repeat(n);
    expect(extractJson(`${bad(19)}{"a":1}\n`)).toEqual({ found: true, value: { a: 1 } });
    expect(extractJson(`${bad(20)}{"a":1}\n`)).toEqual({ found: false });
    const noise = 'Update available\n\n   \n'.repeat(30);
    expect(extractJson(`${noise}{"a":1}\nbye`)).toEqual({ found: true, value: { a: 1 } });
  });
});

describe('parseCliResult: exit 0 that is an error after all', () => {
  it('an action run that prints text that is not JSON is unparseable, not a success', () => {
    expect(failed({ stdout: 'Done!\n' })).toEqual({
      code: 'unparseable_output',
      message: 'membrane printed something that is not JSON: "Done!\\n"',
      fix: UNPARSEABLE_FIX,
    });
    expect(failed({ stdout: 'Done!', stderr: JSON.stringify({ type: 'internal', key: 'k', message: 'm' }) }).code).toBe(
      'unparseable_output',
    );
  });

  it('killed by a signal: crashed, whatever it printed', () => {
    expect(failed({ stdout: '{"id":"1"}', exitCode: undefined, signal: 'SIGSEGV' })).toEqual({
      code: 'cli_crashed',
      message: 'membrane was killed by SIGSEGV before it answered',
      fix: 'run the same call again; if it keeps crashing, run `membrane --version` and reinstall the CLI',
    });
  });

  it('an error body with a message and only a key, or only a type, is an error', () => {
    expect(failed({ stdout: JSON.stringify({ key: 'not_authenticated', message: 'Unauthorized' }) })).toEqual({
      code: 'not_logged_in',
      message: 'Membrane is not logged in: Unauthorized',
      fix: FIX.login,
      upstreamCode: 'not_authenticated',
    });
    expect(failed({ stdout: JSON.stringify({ type: 'internal', message: 'It broke' }) }).message).toBe(
      'membrane failed (internal): It broke',
    );
  });

  it('a body with a key or type but no text message, or with items, records, an id or output, is data', () => {
    for (const value of [
      { type: 'Direct', key: 'k' },
      { type: 'Direct', message: 7 },
      { type: 'x', message: 'm', items: [] },
      { type: 'x', message: 'm', records: [] },
      { key: 'x', message: 'm', id: '1' },
      { type: 'SMS', message: 'hi', output: { id: 1 } },
    ]) {
      expect(parseCliResult(cli({ stdout: JSON.stringify(value) }))).toEqual(value);
    }
  });

  it('a result with an errors list but no error code is data', () => {
    const value = { records: [{ id: 1 }], errors: [] };
    expect(parseCliResult(cli({ stdout: JSON.stringify(value) }))).toEqual(value);
  });

  it('empty stdout is a success only for `action run` with a silent stderr, or for `request`', () => {
    expect(parseCliResult(cli({ stdout: ' \n', stderr: '  \n' }), { expect: 'action-output' })).toBeUndefined();
    expect(failed({ argv: ['membrane', 'action', 'list', '--json'] }).code).toBe('unparseable_output');
    expect(failed({ argv: ['membrane', 'connection', 'list', '--json'], stderr: '\n' })).toEqual({
      code: 'unparseable_output',
      message: 'membrane printed something that is not JSON: ""',
      fix: UNPARSEABLE_FIX,
    });
    expect(parseCliResult(cli({ argv: ['membrane', 'request'], stderr: 'HTTP 204\n' }), { expect: 'json-or-empty' })).toBeUndefined();
  });
});

describe('parseCliResult: failures', () => {
  it('blank output with a failing exit names the exit code', () => {
    expect(failed({ stdout: ' \n', stderr: '\n', exitCode: 2 })).toEqual({
      code: 'membrane_error',
      message: 'membrane failed: membrane exited with code 2',
      fix: 'run the same membrane command by hand to see its whole output, and check `membrane --version`',
    });
  });

  it('a RingCentral body without an errors list (a legacy code) keeps its message and status', () => {
    const stdout = JSON.stringify({ errorCode: 'InvalidParameter', message: 'Parameter [to] value is invalid' });
    expect(
      failed({ argv: ['membrane', 'request'], stdout, stderr: 'HTTP 400 Bad Request\n', exitCode: 1 }, { expect: 'json-or-empty' }),
    ).toEqual({
      code: 'ringcentral_error',
      message: 'RingCentral 400 InvalidParameter: Parameter [to] value is invalid',
      upstreamCode: 'InvalidParameter',
      fix: "correct the input as RingCentral's message says",
    });
  });
});

describe('parseCliResult: RingCentral error bodies printed with exit code 0', () => {
  const AGW = JSON.stringify({ errorCode: 'AGW-404', message: 'Resource not found' });
  const PATH_FIX = "check the path: no RingCentral API answers there (see RingCentral's API reference for the path and its version)";

  it("the API gateway's 404 (no errors list) is RingCentral's 404, with or without a status line", () => {
    const request = (stderr: string) => failed({ argv: ['membrane', 'request'], stdout: `${AGW}\n`, stderr }, { expect: 'json-or-empty' });
    expect(request('HTTP 404 AGW-404: Resource not found\n')).toEqual({
      code: 'ringcentral_error',
      message: 'RingCentral 404 AGW-404: Resource not found',
      upstreamCode: 'AGW-404',
      fix: PATH_FIX,
    });
    expect(request('')).toEqual({
      code: 'ringcentral_error',
      message: 'RingCentral AGW-404: Resource not found',
      upstreamCode: 'AGW-404',
      fix: PATH_FIX,
    });
    // Text content (a transcription) is not the error body either.
    expect(caught(() => parseCliResult(cli({ argv: ['membrane', 'request'], stdout: AGW }), { expect: 'text' })).code).toBe(
      'ringcentral_error',
    );
  });

  it('a legacy code without an errors list counts with a status of 400 or more', () => {
    const stdout = JSON.stringify({ errorCode: 'InvalidParameter', message: 'Parameter [to] value is invalid', id: 5 });
    expect(failed({ argv: ['membrane', 'request'], stdout, stderr: 'HTTP 400 Bad Request\n' }, { expect: 'json-or-empty' }).code).toBe(
      'ringcentral_error',
    );
    // A resource that merely has such fields, answered without an error status, is data.
    expect(parseCliResult(cli({ argv: ['membrane', 'request'], stdout }), { expect: 'json-or-empty' })).toEqual(JSON.parse(stdout));
  });

  it('without a status line: an errors list, or a body of nothing but error fields, is the error', () => {
    const request = (body: object) => failed({ argv: ['membrane', 'request'], stdout: JSON.stringify(body) }, { expect: 'json-or-empty' });
    const listed = {
      errorCode: 'CMN-102',
      message: 'Resource not found',
      errors: [{ errorCode: 'CMN-102', message: 'Resource not found' }],
    };
    expect(request({ ...listed, id: 5 }).message).toBe('RingCentral CMN-102: Resource not found');
    const parameter = request({ errorCode: 'CMN-101', message: 'Parameter [to] is invalid', parameterName: 'to', parameterValue: 'x' });
    expect([parameter.code, parameter.message, parameter.fix]).toEqual([
      'ringcentral_error',
      'RingCentral CMN-101: Parameter [to] is invalid (parameter: to)',
      "correct to as RingCentral's message says",
    ]);
    expect(request({ errorCode: 'CMN-408', message: 'In order to call this API endpoint', errors: null }).message).toBe(
      'RingCentral CMN-408: In order to call this API endpoint',
    );
  });
});

describe('parseCliResult: text content', () => {
  const text = (stdout: string, exitCode = 0) =>
    parseCliResult(cli({ argv: ['membrane', 'request'], stdout, exitCode }), { expect: 'text' });

  it('is the answer as it came, JSON included', () => {
    expect(text('hello\n')).toBe('hello\n');
    expect(text('{"a":1}')).toBe('{"a":1}');
  });

  it('blank content is no content', () => {
    expect(text(' \n')).toBeUndefined();
  });

  it('an error body is still an error', () => {
    const stdout = JSON.stringify({ errorCode: 'CMN-102', message: 'Not found', errors: [{ errorCode: 'CMN-102', message: 'Not found' }] });
    expect(caught(() => text(stdout)).code).toBe('ringcentral_error');
  });
});

describe('asList and unwrapActionOutput', () => {
  it('a cursor counts only as non-empty text', () => {
    expect(asList({ items: [], cursor: 5 })).toEqual({ items: [], cursor: undefined });
  });

  it('anything else is unparseable, quoting at most 160 characters', () => {
    const value = { records: ['x'.repeat(300)] };
    expect(caught(() => asList(value)).toJSON()).toEqual({
      code: 'unparseable_output',
      message: `expected a list from membrane, got ${JSON.stringify(value).slice(0, 160)}`,
    });
  });

  it('unwraps only output or actionRunId (with logs); a run id counts only as text', () => {
    expect(unwrapActionOutput({})).toEqual({ output: {} });
    expect(unwrapActionOutput({ logs: [] })).toEqual({ output: { logs: [] } });
    expect(unwrapActionOutput({ output: 1, actionRunId: 5 })).toEqual({ output: 1, actionRunId: undefined });
  });
});
