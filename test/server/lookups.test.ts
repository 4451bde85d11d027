/**
 * The call context's readAll/read (src/membrane/call-context.ts), the internal look-ups behind create_chat_post's chat names
 * and the confirmation previews: they page through every output shape on the route the tool
 * takes, so a small page size yields exactly the records one big page does. Runs the BUILT code
 * in process against the sandbox CLI.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CallContext } from '../../dist/src/membrane/call-context.js';
import { Runtime } from '../../dist/src/mcp/runtime.js';
import { registry } from '../../dist/tools/index.js';
import { makeSandbox } from '../helpers.js';

const sandboxes: Array<{ cleanup(): void }> = [];
afterAll(() => sandboxes.forEach((s) => s.cleanup()));

const tool = (name: string) => {
  const def = registry.find((d: { name: string }) => d.name === `ringcentral_${name}`);
  if (!def) throw new Error(`no tool ${name}`);
  return def;
};

function contextFor(variant: string, route: 'auto' | 'rest') {
  const sandbox = makeSandbox({
    MEMBRANE_SANDBOX_NOW: '2026-03-01T12:00:00.000Z',
    MEMBRANE_SANDBOX_DELAY_MS: '0',
    ...(variant ? { MEMBRANE_SANDBOX_VARIANT: variant } : {}),
  });
  sandboxes.push(sandbox);
  const runtime = new Runtime({ sandbox: true, route, env: sandbox.env });
  return {
    ctx: new CallContext({
      membrane: runtime.membrane,
      routes: runtime.routes,
      limits: {},
      cache: runtime.cache,
      penalties: runtime.penalties,
    }),
    sandbox,
  };
}

describe.each([
  ['the default sandbox (action route, RingCentral bodies)', '', 'auto'],
  ['data-records (action route, {records: [data records], cursor})', 'data-records', 'auto'],
  ['--route rest (RingCentral bodies through membrane request)', '', 'rest'],
] as const)('%s', (_label, variant, route) => {
  it('chats page by page: 4 at a time gives exactly what one page of 250 gives', async () => {
    const { ctx, sandbox } = contextFor(variant, route);
    const all = await ctx.readAll(tool('list_chats'), {}, { pageSize: 250, maxPages: 20 });
    expect(all.length).toBeGreaterThan(8);
    const before = sandbox.spawns();
    const paged = await ctx.readAll(tool('list_chats'), {}, { pageSize: 4, maxPages: 50 });
    expect(sandbox.spawns() - before).toBe(Math.ceil(all.length / 4));
    expect(paged.map((c) => c.id)).toEqual(all.map((c) => c.id));
    expect(paged.every((c) => typeof c.type === 'string')).toBe(true);
  });

  it("a record through the tool's route is RingCentral's record", async () => {
    const { ctx } = contextFor(variant, route);
    const me = await ctx.read(tool('get_extension_info'), { extensionId: '~' });
    expect(me).toMatchObject({ name: 'Alex Morgan', type: 'User' });
  });
});
