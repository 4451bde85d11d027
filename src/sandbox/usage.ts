// Help text, in the shape of the real `membrane` CLI's commands.
import { FAULTS, VARIANTS } from './env.js';

export const VERSION = '1.4.0';

export const USAGE: Record<string, string> = {
  status: 'membrane status [--json]',
  login: 'membrane login [--tenant]   (sandbox: nothing to log in to)',
  reset: 'membrane-sandbox reset [--json]   (restore the seeded account)',
  'connection list': 'membrane connection list [--search TEXT] [--limit N] [--cursor C] [--json]',
  'connection get': 'membrane connection get <id-or-key> [--wait] [--timeout SECONDS] [--json]',
  'connection ensure': 'membrane connection ensure <url-or-name> [--json]',
  connect: 'membrane connect (--connectorId ID | --connectorKey KEY | --connectionId ID) [--json]',
  search: 'membrane search <query> [--elementType connector] [--json]',
  'action list': 'membrane action list [--connectionId ID | --connectionKey KEY] [--intent TEXT] [--limit N] [--cursor C] [--json]',
  'action run': "membrane action run <actionIdOrKey> --connectionId ID [--input '<json object>'] [--json]",
  'action-run-log get': 'membrane action-run-log get <actionRunId> [--details] [--json]',
  request:
    'membrane request <connectionId> <path> [-X METHOD] [-H "K: V"]... [-d BODY] [--query k=v]... [--pathParam k=v]... [--rawData] [--json]',
};

export const HELP = `membrane-sandbox ${VERSION}: a stand-in for the Membrane CLI (membrane) backed by a simulated
RingCentral account. No network, no credentials. State: $MEMBRANE_SANDBOX_STATE.

Usage:
  membrane --version
  membrane --help
${Object.values(USAGE)
  .map((u) => `  ${u}`)
  .join('\n')}

Flags may come in any position, as --flag value or --flag=value; -H, --query and --pathParam repeat.
Every command accepts --json, --workspaceKey and --tenantKey: each tenant is its own simulated account
(its own state file beside the default one, people, numbers and connection id); a tenant key starting
with "new-" has no RingCentral connection until \`connection ensure\` + \`connect\`.

Environment: MEMBRANE_SANDBOX_STATE, MEMBRANE_SANDBOX_NOW, MEMBRANE_SANDBOX_FAULT, MEMBRANE_SANDBOX_FAULT_FILE,
MEMBRANE_SANDBOX_VARIANT, MEMBRANE_SANDBOX_DELAY_MS, MEMBRANE_SANDBOX_RATE_LIMITS, MEMBRANE_SANDBOX_LOG,
MEMBRANE_SANDBOX_REQUEST_LOG, MEMBRANE_SANDBOX_TIMING_LOG.
Faults (MEMBRANE_SANDBOX_FAULT, comma-separated): ${FAULTS.join(', ')}.
Variants (MEMBRANE_SANDBOX_VARIANT, comma-separated): ${VARIANTS.join(', ')}.
`;
