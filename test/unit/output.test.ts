/** src/membrane/output.ts readRecord: one record in every shape a route can give, and what is never shown as an answer. */
import { describe, expect, it } from 'vitest';
import { readRecord } from '../../src/membrane/output.js';
import { caught } from './caught.js';

const action = { route: 'action', key: 'get-contact' } as const;
const contact = { id: '7301942116000000042', firstName: 'Vera', email: 'vera@example.com' };

describe('readRecord', () => {
  it("RingCentral's record as it is, or inside {output} wrappers", () => {
    expect(readRecord(contact, action, 'read')).toEqual(contact);
    expect(readRecord({ output: contact, actionRunId: 'r1' }, action, 'read')).toEqual(contact);
    expect(readRecord({ output: { output: contact } }, action, 'read')).toEqual(contact);
  });

  it("a data record gives rawFields, else fields with the data record's id", () => {
    expect(readRecord({ id: contact.id, name: 'Vera', fields: { fullName: 'Vera' }, rawFields: contact }, action, 'read')).toEqual(contact);
    expect(readRecord({ id: contact.id, name: 'Vera', fields: { firstName: 'Vera' } }, action, 'read')).toEqual({
      id: contact.id,
      firstName: 'Vera',
    });
  });

  it('no output (204) and empty objects are returned as they are', () => {
    expect(readRecord(undefined, { route: 'rest' }, 'write')).toBeUndefined();
    expect(readRecord({ actionRunId: 'r1' }, action, 'write')).toBeUndefined();
    expect(readRecord({}, action, 'read')).toEqual({});
  });

  it('a read that lost its fields is an error naming the action and --route rest', () => {
    const error = caught(() => readRecord({ id: contact.id, name: 'Vera' }, action, 'read'));
    expect(error.code).toBe('unparseable_output');
    expect(error.message).toBe(
      'the Membrane action get-contact returned a record without its fields ({"id":"7301942116000000042","name":"Vera"}); nothing is shown rather than a wrong answer',
    );
    expect(error.details.fix).toMatch(/--route rest/);
  });

  it('a write answered with only an id is returned: the write has happened', () => {
    expect(readRecord({ output: { id: contact.id } }, { route: 'action', key: 'create-contact' }, 'write')).toEqual({ id: contact.id });
  });
});
