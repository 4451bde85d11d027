/**
 * The package version, read once from package.json: two levels up from dist/src (the build), one
 * from src (tests that import the source in process).
 */
import { readFileSync } from 'node:fs';

const built = import.meta.url.includes('/dist/src/');
export const VERSION: string = (
  JSON.parse(readFileSync(new URL(built ? '../../package.json' : '../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
