// The action runs this sandbox did, for `membrane action-run-log get <id>`: one JSON line per run
// beside the state file (each tenant its own), written as `action run` ends. Membrane documents
// that the log holds the run's input, output and errors and the raw exchange with the app; field
// names beyond that are not published, so these are plain ones. Records are composed as JSON
// text from what the run printed, so int64 ids stay exact without parsing them.
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { flag, type Args } from './args.js';
import type { Command } from './commands/common.js';
import type { Env } from './env.js';
import { MembraneError } from './errors.js';
import { stringify } from './json.js';

/** Past this size the log keeps only its newest runs. */
const MAX_BYTES = 2_000_000;
const KEEP_RUNS = 200;
/** A run's output larger than this is left out of its record (the record says so). */
const MAX_OUTPUT_CHARS = 20_000;

export const runLogPath = (env: Env) => `${env.statePath}.runs.jsonl`;

/** JSON text on one line: whitespace outside strings removed. */
const compact = (json: string) => json.replace(/("(?:[^"\\]|\\.)*")|\s+/g, (_m, text: string | undefined) => text ?? '');

/** What `action run` printed: `{"output":...,"actionRunId":"..."}` (the output's text as printed). */
const PRINTED = /^\{"output":([\s\S]*),"actionRunId":("arun_[0-9a-f]+")\}$|^\{"actionRunId":("arun_[0-9a-f]+")\}$/;

function append(env: Env, head: Record<string, unknown>, tail: Array<[string, string]>): void {
  const path = runLogPath(env);
  mkdirSync(dirname(path), { recursive: true });
  const text = stringify(head);
  appendFileSync(path, `${text.slice(0, -1)}${tail.map(([k, v]) => `,${JSON.stringify(k)}:${v}`).join('')}}\n`);
  if (statSync(path).size > MAX_BYTES) {
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    writeFileSync(path, `${lines.slice(-KEEP_RUNS).join('\n')}\n`);
  }
}

/** The run's id first (found by prefix), then what it was asked. */
function head(a: Args, env: Env, id: string, status: 'success' | 'error'): Record<string, unknown> {
  return {
    id,
    status,
    action: a.positionals[2],
    connectionId: flag(a, 'connectionId') ?? flag(a, 'connectionKey'),
    createdAt: new Date(env.now()).toISOString(),
  };
}

/** The input as given (`action run` refused it before starting a run unless it was JSON). */
const inputText = (a: Args) => compact(flag(a, 'input') ?? '{}');

function recordSuccess(a: Args, env: Env, stdout: string): void {
  const printed = PRINTED.exec(compact(stdout.trim()));
  // Nothing printed with an actionRunId (the unwrapped-output variant): no run to look up.
  if (!printed) return;
  const id = JSON.parse(printed[2] ?? printed[3]) as string;
  const output = printed[1];
  const tail: Array<[string, string]> = [['input', inputText(a)]];
  if (output !== undefined && output.length <= MAX_OUTPUT_CHARS) tail.push(['output', output]);
  else if (output !== undefined) tail.push(['outputOmitted', JSON.stringify(`${output.length} characters`)]);
  append(env, head(a, env, id, 'success'), tail);
}

function recordFailure(a: Args, env: Env, e: MembraneError): void {
  const data = e.data as { response?: unknown } | undefined;
  const tail: Array<[string, string]> = [
    ['input', inputText(a)],
    ['error', stringify({ type: e.type, key: e.key, message: e.message })],
  ];
  // The app's raw answer, when the run failed on it.
  if (data?.response !== undefined) tail.push(['response', stringify(data.response)]);
  append(env, head(a, env, e.actionRunId!, 'error'), tail);
}

/** A log that cannot be written loses that record, never the run's own outcome. */
function safely(write: () => void): void {
  try {
    write();
  } catch (e) {
    process.stderr.write(`membrane-sandbox: the action run log was not written: ${(e as Error).message}\n`);
  }
}

/** `action run`, with each run it starts written to the log. */
export function logged(run: Command): Command {
  return async (a, env) => {
    try {
      const outcome = await run(a, env);
      if (outcome.code === 0 && outcome.stdout) safely(() => recordSuccess(a, env, outcome.stdout!));
      return outcome;
    } catch (e) {
      if (e instanceof MembraneError && e.actionRunId) safely(() => recordFailure(a, env, e));
      throw e;
    }
  };
}

/** The newest record of a run, as its JSON text, or undefined. */
export function findRun(env: Env, id: string): string | undefined {
  const path = runLogPath(env);
  if (!existsSync(path)) return undefined;
  const prefix = `{"id":${JSON.stringify(id)},`;
  return readFileSync(path, 'utf8')
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(prefix));
}
