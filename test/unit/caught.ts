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
