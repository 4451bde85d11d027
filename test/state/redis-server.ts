/**
 * Which redis-server the Redis tests start: RINGCENTRAL_MCP_REDIS_SERVER names the executable,
 * otherwise the first `redis-server` on PATH. With none the Redis tests skip (test/skipped.ts says
 * so at the end of the run), unless RINGCENTRAL_MCP_REQUIRE_REDIS=1 (set by .ci/run): then a
 * missing redis-server fails them.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

const executable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The redis-server to start, or undefined when there is none (and none is required). */
export function findRedisServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env.RINGCENTRAL_MCP_REDIS_SERVER;
  if (named) {
    if (!executable(resolve(named))) throw new Error(`RINGCENTRAL_MCP_REDIS_SERVER=${named} is not an executable file`);
    return resolve(named);
  }
  const found = (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, 'redis-server'))
    .find(executable);
  if (!found && env.RINGCENTRAL_MCP_REQUIRE_REDIS === '1')
    throw new Error(
      'redis-server not found and RINGCENTRAL_MCP_REQUIRE_REDIS=1: install redis-server or set RINGCENTRAL_MCP_REDIS_SERVER=/path/to/redis-server',
    );
  return found;
}
