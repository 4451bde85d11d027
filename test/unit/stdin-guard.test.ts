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
