/**
 * The SDK's stdio transport gives up on a line over 10 MB and closes, which ends the session.
 * This guard sits between stdin and the transport: a line over the limit is dropped and answered
 * with a JSON-RPC "Invalid Request" error for its id, and the session goes on.
 */
import { Transform, type Readable } from 'node:stream';

export const MAX_LINE_BYTES = 8 * 1024 * 1024;

export interface JsonRpcRefusal {
  jsonrpc: '2.0';
  id: string | number | null;
  error: { code: number; message: string };
}

const ID_VALUE = String.raw`("(?:[^"\\]|\\.){0,200}"|-?\d{1,16})`;
/** In the tail: `"id": <value>` followed only by other top-level scalars and the closing brace. */
const TAIL_ID = new RegExp(String.raw`"id"\s*:\s*${ID_VALUE}\s*(?:,\s*"(?:jsonrpc|method)"\s*:\s*"[^"]{0,100}"\s*)*}\s*$`);

/**
 * The request id of a refused line: read from its head when it comes before "params" (the usual
 * order), else from its tail when it closes the message ({"params": {...}, "id": 7}).
 */
function requestId(head: string, tail: string): string | number | null {
  const beforeParams = head.split('"params"')[0];
  const match = new RegExp(String.raw`"id"\s*:\s*${ID_VALUE}\s*[,}]`).exec(beforeParams) ?? TAIL_ID.exec(tail);
  if (!match) return null;
  try {
    return JSON.parse(match[1]) as string | number;
  } catch {
    return null;
  }
}

export function guardStdin(input: Readable, reply: (message: JsonRpcRefusal) => void, maxLineBytes = MAX_LINE_BYTES): Readable {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let droppedHead: string | undefined;
  let droppedTail = Buffer.alloc(0);

  const guard = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let start = 0;
      while (start < chunk.length) {
        const newline = chunk.indexOf(10, start);
        const end = newline === -1 ? chunk.length : newline + 1;
        const piece = chunk.subarray(start, end);
        if (droppedHead === undefined && pendingBytes + piece.length > maxLineBytes) {
          const line = Buffer.concat([...pending, piece]);
          droppedHead = line.subarray(0, 1024).toString('utf8');
          droppedTail = line.subarray(-1024);
          pending = [];
          pendingBytes = 0;
        } else if (droppedHead !== undefined) {
          droppedTail = Buffer.concat([droppedTail, piece]).subarray(-1024);
        } else {
          pending.push(piece);
          pendingBytes += piece.length;
        }
        if (newline === -1) break;
        if (droppedHead !== undefined) {
          reply({
            jsonrpc: '2.0',
            id: requestId(droppedHead, droppedTail.toString('utf8')),
            error: { code: -32600, message: `message too large: over ${maxLineBytes} bytes; send smaller arguments` },
          });
          droppedHead = undefined;
        } else {
          this.push(pending.length === 1 ? pending[0] : Buffer.concat(pending));
          pending = [];
          pendingBytes = 0;
        }
        start = end;
      }
      done();
    },
    flush(done) {
      if (droppedHead === undefined && pendingBytes > 0) this.push(Buffer.concat(pending));
      done();
    },
  });
  input.on('error', (error) => guard.destroy(error));
  return input.pipe(guard);
}
