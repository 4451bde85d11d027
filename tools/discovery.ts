/** Every other action of the RingCentral connection: find it by intent, then run it. */
import { z } from 'zod';
import { ToolError } from '../src/errors.js';
import { jsonProblem } from '../src/safety/bounds.js';
import { defineTool, type ActionInfo, type JsonObject, type ToolContext } from './contract.js';
import { idProblems, jsonText } from './fields.js';
import { compactObject, truncate } from './format.js';

const actionRef = z
  .string()
  .regex(/^[A-Za-z0-9][\w.:-]{0,127}$/, 'must be an action id or key from ringcentral_find_actions (letters, digits, _ . : -)');

/** A JSON Schema reduced to what a model needs to fill it in: names, types, required, enums. */
export function compactSchema(schema: unknown, depth = 0): unknown {
  if (!schema || typeof schema !== 'object' || depth > 3) return schema;
  const s = schema as JsonObject;
  const properties = s.properties as Record<string, unknown> | undefined;
  return compactObject({
    type: s.type,
    description: depth > 0 ? truncate(s.description, 80) : undefined,
    enum: s.enum,
    required: s.required,
    properties: properties ? Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, compactSchema(v, depth + 1)])) : undefined,
    items: s.items ? compactSchema(s.items, depth + 1) : undefined,
  });
}

const compactAction = (a: ActionInfo) =>
  compactObject({
    id: a.id,
    key: a.key,
    name: a.name,
    description: truncate(a.description, 200),
    inputSchema: a.inputSchema ? compactSchema(a.inputSchema) : undefined,
  });

/** Validates input against the action's live JSON Schema, naming the offending field. */
function checkAgainstSchema(action: ActionInfo, input: unknown): void {
  // Stryker disable next-line ConditionalExpression: without a schema fromJSONSchema throws, which the catch below also leaves to Membrane.
  if (!action.inputSchema) return;
  let schema: z.ZodType;
  try {
    schema = z.fromJSONSchema(action.inputSchema);
  } catch {
    return; // A schema zod cannot read is left to Membrane to enforce.
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length ? `input.${i.path.join('.')}` : 'input'}: ${i.message}`).join('; ');
    throw new ToolError('invalid_input', `input does not match the schema of ${action.key ?? action.id}: ${problems}`, {
      fix: 'see the inputSchema that ringcentral_find_actions returns for this action; nothing was sent',
    });
  }
}

/** The action, known to the connection and given input that fits its live schema: checked before any preview, token or run. */
async function checkedAction(i: { action: string; input?: JsonObject }, ctx: ToolContext): Promise<ActionInfo> {
  const action = (await ctx.actions()).get(i.action);
  if (!action) {
    throw new ToolError('not_found', `the RingCentral connection has no action "${i.action}"`, {
      fix: 'find the action id or key with ringcentral_find_actions; nothing was sent',
    });
  }
  // A typed tool's write keeps its checks (an SMS sender, duplicates, an update that clears nothing).
  const tool = ctx.routes.writeToolOf(action.key ?? i.action);
  if (tool) {
    throw new ToolError('invalid_input', `action: ${action.key ?? i.action} is what ${tool} runs, with its own checks; nothing was sent`, {
      fix: `call ${tool} instead`,
    });
  }
  checkAgainstSchema(action, i.input ?? {});
  return action;
}

/** Free-form input: bounded in size and depth, ids by the same rule as the typed tools. */
const actionInputField = jsonText('{"extensionId":"~"}').superRefine((value, ctx) => {
  const problem = jsonProblem(value);
  if (problem) return ctx.addIssue({ code: 'custom', message: problem });
  for (const { path, message } of idProblems(value).slice(0, 5)) ctx.addIssue({ code: 'custom', message, path });
});

export const discoveryTools = [
  defineTool({
    name: 'ringcentral_find_actions',
    title: 'Find actions',
    description: 'Find Membrane actions by intent, for ringcentral_run_action.',
    toolset: 'discovery',
    kind: 'read',
    input: {
      intent: z.string().min(1).max(200),
      limit: z.number().int().min(1).max(50).optional(),
    },
    output: z.object({ actions: z.array(z.looseObject({ id: z.string() })) }),
    exec: {
      via: 'custom',
      run: async (i, ctx) => ({
        actions: (await ctx.findActions(i.intent, i.limit ?? 10)).map(compactAction),
      }),
    },
  }),
  defineTool({
    name: 'ringcentral_run_action',
    title: 'Run action',
    description: 'Run a ringcentral_find_actions action by id or key, checked against its schema.',
    toolset: 'discovery',
    kind: 'destructive',
    input: {
      action: actionRef,
      input: actionInputField.optional(),
    },
    exec: {
      via: 'action',
      key: (i) => i.action,
      input: async (i, ctx) => {
        await checkedAction(i, ctx);
        return i.input ?? {};
      },
    },
    preview: async (i, ctx) => {
      const action = await checkedAction(i, ctx);
      return { action: `run ${action.name ?? i.action}`, actionKey: action.key ?? i.action, input: i.input ?? {} };
    },
  }),
];
