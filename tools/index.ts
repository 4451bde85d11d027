/** The registry: every tool, once. */
import { accountTools } from './account.js';
import { callTools } from './calls.js';
import { chatTools } from './chats.js';
import { contactTools } from './contacts.js';
import { TOOLSETS, type AnyTool } from './contract.js';
import { discoveryTools } from './discovery.js';
import { meetingTools } from './meetings.js';
import { messageTools } from './messages.js';
import { proxyTools } from './proxy.js';

export const registry: readonly AnyTool[] = [
  ...accountTools,
  ...messageTools,
  ...contactTools,
  ...callTools,
  ...chatTools,
  ...meetingTools,
  ...proxyTools,
  ...discoveryTools,
];

export interface ToolFilter {
  readOnly?: boolean;
  toolsets?: readonly string[];
  tools?: readonly string[];
}

/** The tools a flag set exposes. Read-only wins over toolsets and tool names. */
export function selectTools(filter: ToolFilter = {}): AnyTool[] {
  const unknownSets = (filter.toolsets ?? []).filter((s) => !(TOOLSETS as readonly string[]).includes(s));
  if (unknownSets.length) throw new Error(`unknown toolset(s): ${unknownSets.join(', ')} (known: ${TOOLSETS.join(', ')})`);
  const unknownTools = (filter.tools ?? []).filter((t) => !registry.some((d) => d.name === t));
  if (unknownTools.length) throw new Error(`unknown tool(s): ${unknownTools.join(', ')}`);

  const everything = !filter.toolsets?.length && !filter.tools?.length;
  // Toolsets and tool names add up: `--toolsets messaging --tools ringcentral_status` gives both.
  return registry
    .filter((d) => everything || filter.toolsets?.includes(d.toolset) || filter.tools?.includes(d.name))
    .flatMap((d) => {
      if (!filter.readOnly || d.kind === 'read') return [d];
      return d.readOnlyForm ? [d.readOnlyForm()] : [];
    });
}

export { TOOLSETS, type AnyTool, type ToolDefinition } from './contract.js';
