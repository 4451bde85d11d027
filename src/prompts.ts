/**
 * MCP prompts for common workflows. Each names the tools it relies on and is offered only when
 * those tools are exposed (read-only mode hides the SMS follow-up).
 */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

interface PromptDefinition {
  name: string;
  title: string;
  description: string;
  needs: string[];
  args: z.ZodRawShape;
  text: (args: Record<string, string | undefined>) => string;
}

export const PROMPTS: PromptDefinition[] = [
  {
    name: 'daily_digest',
    title: 'Daily digest',
    description: "Summarise today's missed calls, new voicemails and unread SMS.",
    needs: ['ringcentral_get_call_log', 'ringcentral_list_messages'],
    args: { since: z.string().describe('ISO 8601 start; default: today 00:00 local').optional() },
    text: ({ since }) =>
      [
        `Give me a digest of what I missed${since ? ` since ${since}` : ' today'}.`,
        `1. ringcentral_get_call_log with direction "Inbound"${since ? ` and dateFrom "${since}"` : ''}; keep result "Missed" and "Voicemail".`,
        `2. ringcentral_list_messages with messageType "VoiceMail"${since ? ` and dateFrom "${since}"` : ''}.`,
        `3. ringcentral_list_messages with messageType "SMS", readStatus "Unread"${since ? ` and dateFrom "${since}"` : ''}.`,
        'Follow nextCursor until done. Group by person (number or name), newest first, one line each, and end with who I should call back.',
      ].join('\n'),
  },
  {
    name: 'follow_up_missed_call',
    title: 'Follow up a missed call by SMS',
    description: 'Find the last missed call from a number and text them back, after I confirm.',
    needs: ['ringcentral_get_call_log', 'ringcentral_send_sms'],
    args: {
      phoneNumber: z.string().describe('Caller, E.164 (+16505550123)'),
      note: z.string().describe('What the SMS should say, roughly').optional(),
    },
    text: ({ phoneNumber, note }) =>
      [
        `Someone at ${phoneNumber} called me. Follow up by SMS.`,
        `1. ringcentral_get_call_log with phoneNumber "${phoneNumber}" and a dateFrom 7 days back; find the latest missed call.`,
        `2. Draft a short SMS${note ? ` that says: ${note}` : ' saying sorry I missed your call and when I can call back'} (under 300 characters).`,
        '3. Show me sender, recipient and the exact text and wait for my yes. Then call ringcentral_send_sms; if it returns confirmation_required, call again with its confirmationToken only after I agreed.',
      ].join('\n'),
  },
];

export function registerPrompts(server: McpServer, available: Set<string>): void {
  for (const prompt of PROMPTS) {
    if (!prompt.needs.every((tool) => available.has(tool))) continue;
    server.registerPrompt(prompt.name, { title: prompt.title, description: prompt.description, argsSchema: prompt.args }, (args) => ({
      messages: [{ role: 'user', content: { type: 'text', text: prompt.text(args as Record<string, string | undefined>) } }],
    }));
  }
}
