/**
 * The checks behind `ringcentral_status` and `ringcentral-mcp doctor`: is the CLI there, is it
 * logged in, which RingCentral connection is used and is it ready, where its REST proxy lands and
 * whether a REST call works, and which route (Membrane action or RingCentral REST) each tool takes
 * on it and why; each problem with its fix.
 */
import type { CallLimits } from '../../tools/contract.js';
import { FIX, ToolError, toToolError } from '../errors.js';
import { connectionStateError, listedConnection } from './connection.js';
import type { Membrane } from './membrane.js';
import { describeBase } from './rest-base.js';
import type { RouteLine, Routes } from './routing.js';

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

/** One status check under way: what it asks, and the report it fills in. */
interface Check {
  membrane: Membrane;
  run: CallLimits;
  report: StatusReport;
}

/** Each problem as a line with its fix. */
function problem({ report }: Check, error: unknown): void {
  const e = toToolError(error);
  report.problems.push({ problem: `${e.code}: ${e.message}`, fix: e.details.fix ?? 'see the message' });
}

/** The checks in order; each says whether the next can run. REST and the routes are read once the connection is known. */
export async function checkStatus(
  membrane: Membrane,
  pinnedConnectionId: string | undefined,
  run: CallLimits = {},
  routes?: Pick<Routes, 'mode' | 'report'>,
): Promise<StatusReport> {
  const command = membrane.runner.argv([]).join(' ');
  const check: Check = { membrane, run, report: { ready: false, cli: { command, found: false }, problems: [] } };
  const connected = (await checkCli(check)) && (await checkLogin(check)) && (await checkConnection(check, pinnedConnectionId));
  if (!connected) return check.report;
  const restWorks = await checkRest(check);
  if (routes && !(await checkRoutes(check, routes))) return check.report;
  // Tools depend on REST whatever the routes (the SMS sender check, update_contact, the proxy).
  check.report.ready = restWorks;
  return check.report;
}

async function checkCli(check: Check): Promise<boolean> {
  const { membrane, run, report } = check;
  try {
    // A CLI that hangs on --version is broken: no need to wait a whole call timeout for it.
    report.cli.version = await membrane.version({ ...run, timeoutMs: Math.min(run.timeoutMs ?? VERSION_TIMEOUT_MS, VERSION_TIMEOUT_MS) });
    report.cli.found = true;
    report.cli.working = true;
    return true;
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
      return false;
    }
    problem(check, e);
    return false;
  }
}

async function checkLogin(check: Check): Promise<boolean> {
  try {
    const status = await check.membrane.loggedIn(check.run);
    check.report.loggedIn = status.loggedIn;
    if (status.loggedIn) return true;
    check.report.problems.push({ problem: `not logged in (membrane status: ${status.text || 'no output'})`, fix: FIX.login });
  } catch (error) {
    problem(check, error);
  }
  return false;
}

async function checkConnection(check: Check, pinnedConnectionId: string | undefined): Promise<boolean> {
  const { membrane, run } = check;
  try {
    const connection = pinnedConnectionId ? await membrane.getConnection(pinnedConnectionId, run) : await membrane.findConnection(run);
    check.report.connection = { id: connection.id, name: connection.name, state: connection.state };
    if (connection.state !== 'READY' || connection.disconnected) throw connectionStateError(listedConnection(connection));
    return true;
  } catch (error) {
    // A tenant's user gets the commands for their own tenant (and the link to connect, when there is one).
    problem(check, membrane.explain(error));
    return false;
  }
}

async function checkRoutes(check: Check, routes: Pick<Routes, 'mode' | 'report'>): Promise<boolean> {
  try {
    check.report.routeMode = routes.mode;
    check.report.routes = await routes.report(check.run);
    return true;
  } catch (error) {
    problem(check, error);
    return false;
  }
}

const REST_FIX =
  "check the RingCentral connector's base URL in Membrane: RingCentral's platform host, optionally ending in /restapi/v1.0 (the server tries both), then run `ringcentral-mcp doctor` again";

/** The REST probe: where `membrane request` lands (learned once), then one live GET through it. */
async function checkRest({ membrane, run, report }: Check): Promise<boolean> {
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
