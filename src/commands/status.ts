/**
 * `ringcentral-mcp doctor` and `setup` print the status check (src/membrane/status.ts, also behind
 * `ringcentral_status`) as lines a person reads in a terminal.
 */
import type { StatusReport } from '../membrane/status.js';

/** Without a CLI the server still runs on the built-in simulated account. */
export const NO_CLI_YET =
  'try it without a CLI: add --sandbox (ringcentral-mcp doctor --sandbox; a simulated RingCentral account, nothing real is sent)';

const cliLine = ({ cli }: StatusReport): string =>
  `membrane CLI: ${cli.working === false ? 'found but failing' : cli.found ? `found (${cli.version})` : 'not found'} [${cli.command}]`;

const loginLine = ({ loggedIn }: StatusReport): string => `logged in:    ${loggedIn === undefined ? 'unknown' : loggedIn ? 'yes' : 'no'}`;

const connectionLine = ({ connection: c }: StatusReport): string =>
  `connection:   ${c ? `${c.id} ${c.name ?? ''} (${c.state ?? 'unknown'})` : 'none'}`;

/** The REST base and the routes, when the check got that far. */
function restAndRoutes(report: StatusReport): string[] {
  const lines: string[] = [];
  if (report.rest) {
    lines.push(`rest base:    ${report.rest.base ?? 'not learned'} (${report.rest.works ? 'a REST call works' : 'REST does not work'})`);
  }
  if (report.routes) {
    lines.push(`routes:       --route ${report.routeMode}`);
    for (const r of report.routes) lines.push(`  ${r.tool}: ${r.route} (${r.reason})`);
  }
  return lines;
}

/** The report as lines a person reads in a terminal. */
export function formatStatus(report: StatusReport): string {
  const lines = [cliLine(report), loginLine(report), connectionLine(report), ...restAndRoutes(report)];
  for (const p of report.problems) lines.push(`problem: ${p.problem}`, `  fix: ${p.fix}`);
  if (!report.cli.found) lines.push(NO_CLI_YET);
  lines.push(report.ready ? 'ready: yes' : 'ready: no');
  return lines.join('\n');
}
