/**
 * tools/*.ts as clients see them: names, titles, descriptions and input schemas in-process, against
 * the committed tools/list snapshot (which the server tests check over MCP).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const committed: unknown = JSON.parse(readFileSync(join(import.meta.dirname, '../server/__snapshots__/tools-list.json'), 'utf8'));

describe('tools/list', () => {
  // Imported here rather than at the top, so a module that fails to load fails this test.
  it('is the committed listing, tool by tool', async () => {
    const { registry } = await import('../../tools/index.js');
    const { toolListing } = await import('../../src/mcp/listing.js');
    const listed = JSON.parse(JSON.stringify(registry.map(toolListing))) as unknown[];
    expect(listed.length).toBe((committed as unknown[]).length);
    listed.forEach((tool, i) => expect(tool).toStrictEqual((committed as unknown[])[i]));
  });
});
