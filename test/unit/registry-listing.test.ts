/**
 * tools/*.ts as clients see them (names, titles, descriptions, schemas) and what each entry decides
 * beyond that (kind, route, action, rate-limit group, paging), in process, against the committed
 * snapshot of each tool (which the server tests check over MCP).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { snapshotFile, snapshotNames } from '../helpers.js';
import { snapshotOf } from '../registry.js';

describe('tools/list', () => {
  // Imported here rather than at the top, so a module that fails to load fails this test.
  it('is the committed listing, tool by tool', async () => {
    const { registry } = await import('../../tools/index.js');
    const { toolListing } = await import('../../src/mcp/listing.js');
    const listed = JSON.parse(JSON.stringify(registry.map(toolListing))) as Array<{ name: string }>;
    expect(listed.map((t) => t.name).sort()).toEqual(snapshotNames());
    for (const tool of listed)
      expect(JSON.parse(snapshotOf(tool))).toStrictEqual(JSON.parse(readFileSync(snapshotFile(tool.name), 'utf8')));
  });
});
