import { expect } from 'vitest';
import { ToolError } from '../../src/errors.js';

/** Runs fn, expects a ToolError, returns it for further assertions. */
export function caught(fn: () => unknown): ToolError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError);
    return error as ToolError;
  }
  throw new Error('expected a ToolError, nothing was thrown');
}

/** Awaits what a call returned (a promise or a plain value), expects it to reject with a ToolError, returns it. */
export async function refusal(result: unknown): Promise<ToolError> {
  const error = await Promise.resolve(result).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ToolError);
  return error as ToolError;
}
