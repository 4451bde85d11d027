/**
 * The checks behind `ringcentral_status` and `ringcentral-mcp doctor`: is the CLI there, is it
 * logged in, which RingCentral connection is used and is it ready, where its REST proxy lands and
 * whether a REST call works, and which route (Membrane action or RingCentral REST) each tool takes
 * on it and why; each problem with its fix.
 */
import { FIX, ToolError, toToolError } from '../errors.js';
import { connectionProblem, type Membrane } from '../membrane/membrane.js';
import { describeBase } from '../membrane/rest-base.js';
import type { RouteLine, Routes } from '../membrane/routing.js';
import type { RunOptions } from '../membrane/runner.js';

export interface StatusReport {
  ready: boolean;
  /** `found` false: not installed (or not executable); `working` false: it runs but `--version` fails or hangs. */
  cli: { command: string; found: boolean; working?: boolean; version?: string };
  loggedIn?: boolean;
  connection?: { id: string; name?: string; state?: string };
  /** The REST base learned for the connection, and whether a REST call through it works now. */
  rest?: { base?: string; works: boolean; timeZone?: string };
  /** `auto`, `action` or `rest`, and each RingCentral tool's route with its reason. */
  routeMode?: string;
  routes?: RouteLine[];
  problems: Array<{ problem: string; fix: string }>;
}

const VERSION_TIMEOUT_MS = 10_000;

export async function checkStatus(
  membrane: Membrane,
  pinnedConnectionId: string | undefined,
  run: RunOptions = {},
  routes?: Pick<Routes, 'mode' | 'report'>,
): Promise<StatusReport> {
  const command = membrane.runner.argv([]).join(' ');
  const report: StatusReport = { ready: false, cli: { command, found: false }, problems: [] };
  const problem = (error: unknown) => {
    const e = toToolError(error);
    report.problems.push({ problem: `${e.code}: ${e.message}`, fix: e.details.fix ?? 'see the message' });
  };

  try {
    // A CLI that hangs on --version is broken: no need to wait a whole call timeout for it.
    report.cli.version = await membrane.version({ ...run, timeoutMs: Math.min(run.timeoutMs ?? VERSION_TIMEOUT_MS, VERSION_TIMEOUT_MS) });
    report.cli.found = true;
    report.cli.working = true;
  } catch (error) {
    const e = toToolError(error);
    // A file that is there but cannot be run (EACCES) is found, and failing: its own fix says why.
    if (e.code !== 'cli_missing' || e.details.upstreamCode === 'EACCES') {
      report.cli.found = true;
      report.cli.working = false;
    }
    if (e.code !== 'cli_missing') {
      report.problems.push({
        problem: `membrane was found but fails: ${e.code}: ${e.message}`,
        fix: 'run `membrane --version` by hand to see the failure; reinstall the CLI (npm install -g @membranehq/cli) if it crashes or hangs',
      });
      return report;
    }
    problem(e);
    return report;
  }

  try {
    const status = await membrane.loggedIn(run);
    report.loggedIn = status.loggedIn;
    if (!status.loggedIn) {
      report.problems.push({ problem: `not logged in (membrane status: ${status.text || 'no output'})`, fix: FIX.login });
      return report;
    }
  } catch (error) {
    problem(error);
    return report;
  }

  try {
    const connection = pinnedConnectionId ? await membrane.getConnection(pinnedConnectionId, run) : await membrane.findConnection(run);
    report.connection = { id: connection.id, name: connection.name, state: connection.state };
    if (connection.state !== 'READY' || connection.disconnected) throw connectionProblem(connection);
  } catch (error) {
    // A tenant's user gets the commands for their own tenant (and the link to connect, when there is one).
    problem(membrane.explain(error));
    return report;
  }
  const restWorks = await checkRest(membrane, run, report);
  if (routes) {
    try {
      report.routeMode = routes.mode;
      report.routes = await routes.report(run);
    } catch (error) {
      problem(error);
      return report;
    }
  }
  // Tools depend on REST whatever the routes (the SMS sender check, update_contact, the proxy).
  report.ready = restWorks;
  return report;
}

const REST_FIX =
  "check the RingCentral connector's base URL in Membrane: RingCentral's platform host, optionally ending in /restapi/v1.0 (the server tries both), then run `ringcentral-mcp doctor` again";

/** The REST probe: where `membrane request` lands (learned once), then one live GET through it. */
async function checkRest(membrane: Membrane, run: RunOptions, report: StatusReport): Promise<boolean> {
  report.rest = { works: false };
  try {
    const base = await membrane.restBase(run);
    report.rest.base = describeBase(base);
    if (base.timeZone) report.rest.timeZone = base.timeZone;
    const answer = await membrane.request({ method: 'GET', path: '/restapi/v1.0/account/~/extension/~' }, run);
    if (!answer || typeof answer !== 'object' || !('id' in answer)) {
      throw new ToolError(
        'unparseable_output',
        `GET /restapi/v1.0/account/~/extension/~ answered ${JSON.stringify(answer ?? null).slice(0, 80)}, not the extension`,
      );
    }
    report.rest.works = true;
    return true;
  } catch (error) {
    const e = toToolError(membrane.explain(error));
    report.problems.push({
      problem: `RingCentral's REST API does not work through membrane request (${e.code}: ${e.message}); the SMS sender check, update_contact, the API proxy and every call that takes REST fail`,
      // An answer that is not RingCentral's (nothing at all) is the proxy's problem, not the CLI's version.
      fix: (e.code === 'unparseable_output' ? undefined : e.details.fix) ?? REST_FIX,
    });
    return false;
  }
}

/** Without a CLI the server still runs on the built-in simulated account. */
export const NO_CLI_YET =
  'try it without a CLI: add --sandbox (ringcentral-mcp doctor --sandbox; a simulated RingCentral account, nothing real is sent)';

/** The report as lines a person reads in a terminal. */
export function formatStatus(report: StatusReport): string {
  const lines = [
    `membrane CLI: ${report.cli.working === false ? 'found but failing' : report.cli.found ? `found (${report.cli.version})` : 'not found'} [${report.cli.command}]`,
    `logged in:    ${report.loggedIn === undefined ? 'unknown' : report.loggedIn ? 'yes' : 'no'}`,
    `connection:   ${report.connection ? `${report.connection.id} ${report.connection.name ?? ''} (${report.connection.state ?? 'unknown'})` : 'none'}`,
  ];
  if (report.rest) {
    lines.push(`rest base:    ${report.rest.base ?? 'not learned'} (${report.rest.works ? 'a REST call works' : 'REST does not work'})`);
  }
  if (report.routes) {
    lines.push(`routes:       --route ${report.routeMode}`);
    for (const r of report.routes) lines.push(`  ${r.tool}: ${r.route} (${r.reason})`);
  }
  for (const p of report.problems) lines.push(`problem: ${p.problem}`, `  fix: ${p.fix}`);
  if (!report.cli.found) lines.push(NO_CLI_YET);
  lines.push(report.ready ? 'ready: yes' : 'ready: no');
  return lines.join('\n');
}
