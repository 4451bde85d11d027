import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { guardStdin, type JsonRpcRefusal } from '../../src/mcp/stdin-guard.js';

/** Feeds chunks through the guard; returns the lines it passed on and the refusals it sent. */
async function feed(chunks: string[], max: number): Promise<{ passed: string; refused: JsonRpcRefusal[] }> {
  const input = new PassThrough();
  const refused: JsonRpcRefusal[] = [];
  const guarded = guardStdin(input, (message) => refused.push(message), max);
  const parts: Buffer[] = [];
  guarded.on('data', (chunk: Buffer) => parts.push(chunk));
  const ended = new Promise((resolve) => guarded.on('end', resolve));
  for (const chunk of chunks) input.write(chunk);
  input.end();
  await ended;
  return { passed: Buffer.concat(parts).toString('utf8'), refused };
}

describe('guardStdin', () => {
  it('passes lines through unchanged, however the chunks split them', async () => {
    const text = '{"id":1}\n{"id":2,"method":"ping"}\n{"id":3}\n';
    for (let cut = 1; cut < text.length; cut += 5) {
      const { passed, refused } = await feed([text.slice(0, cut), text.slice(cut)], 100);
      expect(passed).toBe(text);
      expect(refused).toEqual([]);
    }
  });

  it('drops an oversized line, answers it with -32600 for its id, and keeps the next line', async () => {
    const big = `{"jsonrpc":"2.0","id":"req-7","method":"tools/call","params":{"text":"${'x'.repeat(500)}"}}\n`;
    const { passed, refused } = await feed([big.slice(0, 100), big.slice(100), '{"id":8}\n'], 200);
    expect(passed).toBe('{"id":8}\n');
    expect(refused).toEqual([{ jsonrpc: '2.0', id: 'req-7', error: { code: -32600, message: expect.stringMatching(/too large/) } }]);
  });

  it('answers with id null when the id cannot be read before the params', async () => {
    const { refused } = await feed([`{"params":{"id":5,"t":"${'y'.repeat(300)}"}}\n`], 100);
    expect(refused.map((r) => r.id)).toEqual([null]);
  });
});

describe('guardStdin: the id of an oversized line, wherever it is in the top-level object', () => {
  const filler = 'z'.repeat(400);
  const cases: Array<[string, string, string | number | null]> = [
    ['after params, followed by another field', `{"jsonrpc":"2.0","method":"tools/call","params":{"t":"${filler}"},"id":7,"x":1}`, 7],
    ['after params, followed by an object', `{"method":"m","params":{"t":"${filler}"},"id":"req-9","_meta":{"a":[1,{"id":3}]}}`, 'req-9'],
    ['between two large fields', `{"params":{"t":"${filler}"},"id":12,"extra":"${filler}"}`, 12],
    ['before params, with spaces around the colon', `{ "id" : -4 , "params" : {"t":"${filler}"} }`, -4],
    ['a string id with escaped quotes and unicode', `{"params":{"t":"${filler}"},"id":"a\\"b\\u00e9"}`, 'a"bé'],
    ['an escaped key', `{"params":{"t":"${filler}"},"\\u0069d":5}`, 5],
    ['the last of two ids, as JSON.parse reads it', `{"id":1,"params":{"t":"${filler}"},"id":2}`, 2],
    ['an id only inside params', `{"params":{"id":5,"t":"${filler}"}}`, null],
    ['an id-looking text inside a string', `{"params":{"t":"\\",\\"id\\":9,\\"${filler}"}}`, null],
    ['an object id', `{"params":{"t":"${filler}"},"id":{"n":1}}`, null],
    ['a null id', `{"params":{"t":"${filler}"},"id":null,"x":1}`, null],
    ['an id too long to keep', `{"params":{"t":"${filler}"},"id":"${'i'.repeat(300)}"}`, null],
    ['a batch (not an object)', `[{"id":1,"params":{"t":"${filler}"}}]`, null],
  ];

  it.each(cases)('%s', async (_name, line, id) => {
    if (id !== null) expect(JSON.parse(line).id).toEqual(id); // what JSON.parse makes of the same line
    const { passed, refused } = await feed([`${line}\n`, '{"id":8}\n'], 100);
    expect(passed).toBe('{"id":8}\n');
    expect(refused.map((r) => r.id)).toEqual([id]);
  });

  it('reads the id however the chunks cut the line, even one byte at a time', async () => {
    const line = `{"jsonrpc":"2.0","method":"tools/call","params":{"t":"${'y'.repeat(150)}"},"id":"cut-me","x":[1,2]}\n`;
    for (const size of [1, 2, 3, 7, 64]) {
      const chunks = Array.from({ length: Math.ceil(line.length / size) }, (_, i) => line.slice(i * size, (i + 1) * size));
      const { refused } = await feed(chunks, 100);
      expect(refused.map((r) => r.id)).toEqual(['cut-me']);
    }
  });

  it('keeps nothing of a dropped line but its id: 16 MB through a 1 kB limit', async () => {
    const input = new PassThrough();
    const refused: JsonRpcRefusal[] = [];
    const guarded = guardStdin(input, (message) => refused.push(message), 1024);
    guarded.resume();
    const ended = new Promise((resolve) => guarded.on('end', resolve));
    input.write('{"method":"tools/call","params":{"t":"');
    const block = Buffer.alloc(1024 * 1024, 'x');
    for (let i = 0; i < 16; i++) input.write(block);
    input.end('"},"id":16,"tail":true}\n');
    await ended;
    expect(refused.map((r) => r.id)).toEqual([16]);
  });
});
