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

/** The request id, read from the head of the line (a client writes it before the params). */
function requestId(head: string): string | number | null {
  const beforeParams = head.split('"params"')[0];
  const match = /"id"\s*:\s*("(?:[^"\\]|\\.){0,200}"|-?\d{1,16})\s*[,}]/.exec(beforeParams);
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

  const guard = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let start = 0;
      while (start < chunk.length) {
        const newline = chunk.indexOf(10, start);
        const end = newline === -1 ? chunk.length : newline + 1;
        const piece = chunk.subarray(start, end);
        if (droppedHead === undefined && pendingBytes + piece.length > maxLineBytes) {
          droppedHead = Buffer.concat([...pending, piece.subarray(0, 1024)]).subarray(0, 1024).toString('utf8');
          pending = [];
          pendingBytes = 0;
        } else if (droppedHead === undefined) {
          pending.push(piece);
          pendingBytes += piece.length;
        }
        if (newline === -1) break;
        if (droppedHead !== undefined) {
          reply({
            jsonrpc: '2.0',
            id: requestId(droppedHead),
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
