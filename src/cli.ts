#!/usr/bin/env node
/**
 * The `ringcentral-mcp` command: serve MCP (stdio or HTTP), or run one tool, list tools, check
 * the setup, walk through it, or print client config. stdout is the protocol's when serving.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { guardStdin } from './mcp/stdin-guard.js';
import { processGuard } from './membrane/process-guard.js';
import { selectTools } from '../tools/index.js';
import { callOnce } from './commands/call.js';
import { printConfig } from './commands/config.js';
import { closest, helpText, parseCommandLine, serverOptions } from './commands/options.js';
import { Runtime } from './mcp/runtime.js';
import { createServer } from './mcp/server.js';
import { checkStatus } from './membrane/status.js';
import { formatStatus } from './commands/status.js';
import { runSetup } from './commands/setup.js';
import { VERSION } from './version.js';

const log = (message: string) => process.stderr.write(`ringcentral-mcp: ${message}\n`);

const COMMANDS = ['call', 'tools', 'doctor', 'setup', 'config'];

/**
 * A reader that left (`| head`, a pager closed, a client gone) makes the next write to stdout fail
 * with EPIPE: nobody is there to read an answer, so `then` ends the run without a stack trace.
 */
function whenStdoutCloses(then: () => void): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return then();
    log(`stdout: ${error.message}`);
    process.exit(1);
  });
}

type Flags = ReturnType<typeof parseCommandLine>['flags'];
type Options = ReturnType<typeof serverOptions>;

/** Where the HTTP server listens and who may use it, as the flags say. */
const httpFlags = (flags: Flags) => ({
  port: flags.port as string | undefined,
  host: flags.host as string | undefined,
  users: flags.users as string | undefined,
  oauthIssuer: flags['oauth-issuer'] as string | undefined,
  publicUrl: flags['public-url'] as string | undefined,
  tenantClaim: flags['tenant-claim'] as string | undefined,
});

async function main(argv: string[]): Promise<number> {
  const { flags, positionals } = parseCommandLine(argv);
  const serving = positionals.length === 0 && !flags.help && !flags.version;
  if (!serving) whenStdoutCloses(() => process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0));
  if (flags.help || flags.version) {
    process.stdout.write(`${flags.help ? helpText() : VERSION}\n`);
    return 0;
  }
  const options = serverOptions(flags);
  const [command, ...rest] = positionals;
  if (command === undefined) return serve(options, flags);
  return runCommand(command, rest, options, flags);
}

/** Serves MCP until the client leaves: over HTTP with --http, else over stdio. */
async function serve(options: Options, flags: Flags): Promise<number> {
  if (flags.http) {
    const { serveHttp } = await import('./mcp/http.js');
    await serveHttp(options, httpFlags(flags));
    return -1;
  }
  const server = createServer(options);
  const stdin = guardStdin(process.stdin, (refusal) => process.stdout.write(`${JSON.stringify(refusal)}\n`));
  // The client closed stdin, or stdout (EPIPE): nobody will read an answer. Closing the server
  // aborts the running calls (their CLI groups are stopped); whatever is left after 3 s is
  // killed by the exit hook.
  let leaving = false;
  const clientLeft = (why: string) => {
    if (leaving) return;
    leaving = true;
    if (why) log(why);
    setTimeout(() => process.exit(0), 3000).unref();
    void server.close();
  };
  stdin.once('end', () => clientLeft(''));
  whenStdoutCloses(() => clientLeft('the client closed stdout; stopping'));
  await server.connect(new StdioServerTransport(stdin));
  log(`serving over stdio${options.sandbox ? ' on the sandbox' : ''}${options.readOnly ? ', read-only' : ''}`);
  return -1;
}

/** One command of the command line; its exit code. */
async function runCommand(command: string, rest: string[], options: Options, flags: Flags): Promise<number> {
  switch (command) {
    case 'call': {
      const [tool, json] = rest;
      if (!tool) throw new Error('usage: ringcentral-mcp call <tool> [json-args]. See ringcentral-mcp --help');
      return callOnce(options, tool, json);
    }
    case 'tools': {
      const tools = selectTools({ readOnly: options.readOnly, toolsets: options.toolsets, tools: options.tools });
      for (const t of tools) process.stdout.write(`${t.name.padEnd(34)} ${t.kind.padEnd(12)} ${t.toolset}\n`);
      return 0;
    }
    case 'doctor':
      return doctor(options);
    case 'setup':
      return runSetup(options, { yes: flags.yes === true, terminal: process.stdin.isTTY === true });
    case 'config':
      return printConfig(rest[0], options, httpFlags(flags));
    default: {
      const guess = closest(command, COMMANDS);
      throw new Error(`unknown command "${command}"${guess ? `; did you mean ${guess}?` : '.'} See ringcentral-mcp --help`);
    }
  }
}

async function doctor(options: Options): Promise<number> {
  const runtime = new Runtime(options);
  const limits = { timeoutMs: Math.min(runtime.options.timeoutMs, 30_000) };
  const report = await checkStatus(runtime.membrane, options.connectionId, limits, runtime.routes);
  process.stdout.write(`${formatStatus(report)}\n`);
  return report.ready ? 0 : 1;
}

// No CLI group this process starts outlives it, whether it exits or a signal ends it.
processGuard.install();

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    log(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
  },
);
