// What a command produces, and how it is turned into bytes and an exit code.
import { MembraneError, UsageError } from './errors.js';
import { stringify } from './json.js';

export interface Outcome {
  stdout?: string;
  /** Large outputs are streamed in chunks (the `huge` fault). */
  chunks?: () => Iterable<string>;
  stderr?: string;
  code: number;
}

export function json(value: unknown, asJson: boolean): string {
  // Humans at a terminal get indentation; pipes (and --json) get one compact line.
  const pretty = !asJson && process.stdout.isTTY;
  return stringify(value, pretty ? 2 : undefined) + '\n';
}

export function success(value: unknown, asJson: boolean): Outcome {
  return { stdout: json(value, asJson), code: 0 };
}

export function failure(err: unknown, asJson: boolean): Outcome {
  if (err instanceof UsageError) {
    return { stderr: `membrane: ${err.message}\n${err.usage ? `Usage: ${err.usage}\n` : 'Run membrane --help for usage.\n'}`, code: 2 };
  }
  const m =
    err instanceof MembraneError
      ? err
      : new MembraneError('internal', 'internal_error', `Sandbox bug: ${(err as Error)?.stack ?? String(err)}`);
  return { stdout: asJson ? stringify(m.toJSON()) + '\n' : '', stderr: `Error: ${m.message.split('\n')[0]}\n`, code: 1 };
}
