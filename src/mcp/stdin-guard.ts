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

/** Longest id value kept (a string id's JSON, or a number); a longer one answers with id null. */
const MAX_ID_BYTES = 256;
/** Longest object key kept while scanning; only `id` (possibly escaped) matters. */
const MAX_KEY_BYTES = 32;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const isOpener = (byte: number) => byte === 0x7b || byte === 0x5b; // { [
const isCloser = (byte: number) => byte === 0x7d || byte === 0x5d; // } ]
const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/** Where the text of a string that is not kept stops: its next quote or backslash (or the end). */
function skipText(bytes: Uint8Array, from: number): number {
  let i = from;
  while (i < bytes.length && bytes[i] !== QUOTE && bytes[i] !== BACKSLASH) i++;
  return i;
}

/**
 * Reads the top-level `id` of one JSON-RPC message from its bytes as they arrive, wherever the
 * key is (before or after `params`, followed by anything), keeping only a few counters and at
 * most MAX_ID_BYTES of the id: a dropped line is never held whole. JSON's structural characters
 * are ASCII, and no byte of a multi-byte UTF-8 character is ASCII, so bytes can be scanned as is.
 * Like JSON.parse, the last `id` wins; anything but a string or a number (or a value too long to
 * keep) answers as null, and so does a line that is not an object.
 */
export class TopLevelIdScanner {
  private depth = 0;
  private notAnObject = false;
  private inString = false;
  private escaped = false;
  /** At depth 1: the next string is a key (after `{` or `,`), not a value (after `:`). */
  private expectKey = false;
  /** The raw bytes of a top-level key being read; `keyTooLong` once it cannot be `id`. */
  private key: number[] | undefined;
  private keyTooLong = false;
  private lastKey = '';
  /** The raw bytes of the top-level id value being read, or undefined when not reading one. */
  private value: number[] | undefined;
  private found: string | number | null = null;

  scan(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length && !this.notAnObject; i++) {
      if (this.inString && !this.escaped && !this.key && !this.value) i = skipText(bytes, i);
      if (i === bytes.length) return;
      if (this.inString) this.inStringByte(bytes[i]);
      else this.structuralByte(bytes[i]);
    }
  }

  /** The id read so far (call at the end of the line). */
  id(): string | number | null {
    if (this.value) this.finishValue(); // A number that ran to the end of the line.
    return this.notAnObject ? null : this.found;
  }

  private inStringByte(byte: number): void {
    this.keep(byte);
    if (this.escaped) this.escaped = false;
    else if (byte === BACKSLASH) this.escaped = true;
    else if (byte === QUOTE) {
      this.inString = false;
      if (this.key) this.finishKey();
      else if (this.value) this.finishValue();
    }
  }

  /** Before the message's first `{`: only blanks may come first, else it is no JSON object. */
  private outsideByte(byte: number): void {
    if (byte === 0x7b) {
      this.depth = 1;
      this.expectKey = true;
    } else if (!isSpace(byte)) this.notAnObject = true;
  }

  private structuralByte(byte: number): void {
    if (this.depth === 0) return this.outsideByte(byte);
    if (this.value?.length && (isCloser(byte) || byte === COMMA || isSpace(byte))) this.finishValue();
    if (byte === QUOTE) this.startString();
    else if (isOpener(byte)) this.open();
    else if (isCloser(byte)) this.depth--;
    else if (this.depth === 1 && byte === COMMA) this.expectKey = true;
    else if (this.depth === 1 && byte === COLON) this.startValue();
    else if (!isSpace(byte)) this.keep(byte);
  }

  private startString(): void {
    this.inString = true;
    if (this.depth === 1 && this.expectKey) {
      this.key = [];
      this.keyTooLong = false;
      this.expectKey = false;
    }
    this.keep(QUOTE);
  }

  private open(): void {
    // An object or array as the id's value: not a valid id.
    if (this.depth === 1 && this.lastKey === 'id') this.found = null;
    this.lastKey = '';
    this.value = undefined;
    this.depth++;
  }

  private startValue(): void {
    if (this.lastKey === 'id') this.value = [];
  }

  /** Adds a byte to the key or id value being read; one too long is given up on. */
  private keep(byte: number): void {
    if (this.key) {
      if (this.key.length < MAX_KEY_BYTES) this.key.push(byte);
      else this.keyTooLong = true; // Too long to be "id", escaped or not.
    } else if (this.value) {
      if (this.value.length < MAX_ID_BYTES) this.value.push(byte);
      else this.giveUpValue();
    }
  }

  private giveUpValue(): void {
    this.value = undefined;
    this.lastKey = '';
    this.found = null;
  }

  private finishKey(): void {
    this.lastKey = !this.keyTooLong && this.parse(this.key!) === 'id' ? 'id' : '';
    this.key = undefined;
  }

  private finishValue(): void {
    const value = this.parse(this.value!);
    this.found = typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) ? value : null;
    this.value = undefined;
    this.lastKey = '';
  }

  private parse(bytes: number[]): unknown {
    try {
      return JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch {
      return undefined;
    }
  }
}

export function guardStdin(input: Readable, reply: (message: JsonRpcRefusal) => void, maxLineBytes = MAX_LINE_BYTES): Readable {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** Reading a line over the limit: only its id is kept, by this scanner. */
  let dropping: TopLevelIdScanner | undefined;

  const guard = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let start = 0;
      while (start < chunk.length) {
        const newline = chunk.indexOf(10, start);
        const end = newline === -1 ? chunk.length : newline + 1;
        const piece = chunk.subarray(start, end);
        if (dropping) dropping.scan(piece);
        else if (pendingBytes + piece.length > maxLineBytes) {
          dropping = new TopLevelIdScanner();
          for (const part of pending) dropping.scan(part);
          dropping.scan(piece);
          pending = [];
          pendingBytes = 0;
        } else {
          pending.push(piece);
          pendingBytes += piece.length;
        }
        if (newline === -1) break;
        if (dropping) {
          reply({
            jsonrpc: '2.0',
            id: dropping.id(),
            error: { code: -32600, message: `message too large: over ${maxLineBytes} bytes; send smaller arguments` },
          });
          dropping = undefined;
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
      if (!dropping && pendingBytes > 0) this.push(Buffer.concat(pending));
      done();
    },
  });
  input.on('error', (error) => guard.destroy(error));
  return input.pipe(guard);
}
