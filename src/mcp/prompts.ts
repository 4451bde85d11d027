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

const E164 = /^\+[1-9]\d{1,14}$/;
const phoneArg = (what: string) =>
  z.string().regex(E164, 'must be an E.164 phone number like +16505550123').describe(`${what}, E.164 (+16505550123)`);

export const PROMPTS: PromptDefinition[] = [
  {
    name: 'daily_digest',
    title: 'Daily digest',
    description: "Summarise today's missed calls, new voicemails and unread SMS.",
    needs: ['ringcentral_get_call_log', 'ringcentral_list_messages'],
    args: { since: z.string().describe('ISO 8601 start, e.g. 2025-01-31T00:00:00Z; default: the last 24 hours').optional() },
    text: ({ since }) => {
      const from = since ? ` and dateFrom "${since}"` : '';
      return [
        `Give me a digest of what I missed ${since ? `since ${since}` : 'in the last 24 hours'}.`,
        `1. ringcentral_get_call_log with direction "Inbound"${from}; keep the calls whose result is "Missed" or "Voicemail".`,
        `2. ringcentral_list_messages with messageType "VoiceMail", fields ["transcription"]${from}: each voicemail with what was said.`,
        `3. ringcentral_list_messages with messageType "SMS", direction "Inbound", readStatus "Unread"${from}.`,
        'Follow nextCursor until there is none. Group by person (name if known, else number), newest first, one line each, and end with who I should call back.',
        'Only read: change nothing.',
      ].join('\n');
    },
  },
  {
    name: 'follow_up_missed_call',
    title: 'Follow up a missed call by SMS',
    description: 'Find the last missed call from a number and text them back, after I confirm.',
    needs: ['ringcentral_get_call_log', 'ringcentral_send_sms'],
    args: {
      phoneNumber: phoneArg('Caller'),
      note: z.string().max(500).describe('What the SMS should say, roughly').optional(),
    },
    text: ({ phoneNumber, note }) =>
      [
        `Someone at ${phoneNumber} called me. Follow up by SMS.`,
        `1. ringcentral_get_call_log with phoneNumber "${phoneNumber}", direction "Inbound" and a dateFrom 7 days back; find the latest missed call.`,
        `2. Draft a short SMS${note ? ` that says: ${note}` : ' saying sorry I missed your call and when I can call back'} (under 300 characters).`,
        `3. Show me sender, recipient (${phoneNumber}) and the exact text, and wait for my yes. Then call ringcentral_send_sms with to ["${phoneNumber}"]; if it returns confirmation_required, call it again with the same arguments plus its confirmationToken, only after I agreed.`,
      ].join('\n'),
  },
  {
    name: 'who_is_this_number',
    title: 'Who is this number?',
    description: 'Look a phone number up among colleagues and contacts, and in recent calls and messages.',
    needs: ['ringcentral_find_people', 'ringcentral_get_call_log', 'ringcentral_list_messages'],
    args: { phoneNumber: phoneArg('The number') },
    text: ({ phoneNumber }) =>
      [
        `Who is ${phoneNumber}, and what have we talked about?`,
        `1. ringcentral_find_people with query "${phoneNumber}" (colleagues and personal contacts).`,
        `2. ringcentral_get_call_log with phoneNumber "${phoneNumber}" and a dateFrom 30 days back.`,
        `3. ringcentral_list_messages with phoneNumber "${phoneNumber}" and a dateFrom 30 days back.`,
        'Answer with the name and company if known, then the calls and messages, newest first, one line each. Only read: change nothing.',
      ].join('\n'),
  },
  {
    name: 'message_someone',
    title: 'Text or message someone by name',
    description: 'Find a colleague or contact by name, then text them or post to them in chat, after I confirm.',
    needs: ['ringcentral_find_people', 'ringcentral_send_sms', 'ringcentral_create_chat_post'],
    args: {
      person: z.string().min(1).max(200).describe('A name, email or number as I would say it'),
      note: z.string().max(1000).describe('What to tell them, roughly').optional(),
    },
    text: ({ person, note }) =>
      [
        `Get a message to ${person}${note ? `: ${note}` : ''}.`,
        `1. ringcentral_find_people with query "${person}". If it names several people, show them and ask me which one.`,
        '2. A colleague: post to them in chat with ringcentral_create_chat_post (chatId: their name or email; it starts your Direct chat if there is none). A personal contact, or if I ask for a text: ringcentral_send_sms (to: their full name or number).',
        '3. Draft the message, show me who gets it and the exact text, and wait for my yes. When the call returns confirmation_required, show its preview and call again with the same arguments plus its confirmationToken, only after I agreed.',
      ].join('\n'),
  },
  {
    name: 'find_meeting',
    title: 'Find a past meeting',
    description: 'Find a past video meeting by day or name: who was there, how long, its recordings and link.',
    needs: ['ringcentral_list_meetings', 'ringcentral_get_meeting'],
    args: {
      day: z
        .string()
        .regex(/^\d{4}-\d\d-\d\d$/, 'must be a date like 2026-01-31')
        .describe('The day, YYYY-MM-DD (in the account time zone)')
        .optional(),
      name: z.string().max(200).describe('Words in the meeting name').optional(),
    },
    text: ({ day, name }) => {
      const filters = [day ? `dateFrom "${day}", dateTo "${day}"` : '', name ? `name "${name}"` : ''].filter(Boolean).join(', ');
      return [
        `Find the meeting${name ? ` called "${name}"` : ''}${day ? ` on ${day}` : ' I had recently'}.`,
        `1. ringcentral_list_meetings${filters ? ` with ${filters}` : ''}; follow nextCursor if it is not among the first records.`,
        '2. Pass the bridgeId of the one that matches to ringcentral_get_meeting for its join link and settings (a deleted room is gone).',
        'Answer with its name, start, duration, host, how many took part and any recording links. Only read: change nothing.',
      ].join('\n');
    },
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
