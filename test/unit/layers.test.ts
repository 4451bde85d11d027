/**
 * The lint holds the layers and the complexity budget (eslint.config.js): code planted where it
 * does not belong is refused. In process, through ESLint's Node API on text given the path it
 * would have, so the project's config applies; only the rules under test run, without types.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const RULES = new Set(['@typescript-eslint/no-restricted-imports', 'complexity', 'max-params']);

const eslint = new ESLint({
  cwd: new URL('../..', import.meta.url).pathname,
  ruleFilter: ({ ruleId }) => RULES.has(ruleId),
  // The planted files are in no TypeScript program; the rules here need none.
  overrideConfig: { languageOptions: { parserOptions: { project: null, projectService: false } } },
});

/** The rules a text breaks at `path`, as `rule: first words of the message`. */
async function broken(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path });
  return result.messages.map((m) => `${m.ruleId}: ${m.message.split('. ')[0]}`);
}

const BRANCHY = `export function f(a: number): number {\n${Array.from({ length: 15 }, (_, i) => `  if (a === ${i}) return ${i};`).join('\n')}\n  return a;\n}\n`;

describe('the layers', () => {
  it('src/state and src/safety never import src/mcp (not even a type)', async () => {
    for (const path of ['src/state/planted.ts', 'src/safety/planted.ts']) {
      expect(await broken(path, "import type { Runtime } from '../mcp/runtime.js';\nexport type R = Runtime;\n")).toEqual([
        "@typescript-eslint/no-restricted-imports: '../mcp/runtime.js' import is restricted from being used by a pattern",
      ]);
    }
  });

  it('nothing of the server imports the sandbox; the sandbox itself may', async () => {
    const code = "import { readEnv } from '../sandbox/env.js';\nexport const env = readEnv();\n";
    for (const path of ['src/mcp/planted.ts', 'src/state/planted.ts', 'src/membrane/planted.ts', 'src/commands/planted.ts']) {
      expect(await broken(path, code)).toHaveLength(1);
    }
    expect(
      await broken('tools/planted.ts', "import { readEnv } from '../src/sandbox/env.js';\nexport const env = readEnv();\n"),
    ).not.toEqual([]);
    expect(await broken('src/sandbox/planted.ts', "import { readEnv } from './env.js';\nexport const env = readEnv();\n")).toEqual([]);
  });

  it('src/membrane imports neither src/mcp nor src/commands, and only types of tools/', async () => {
    expect(await broken('src/membrane/planted.ts', "import { callTool } from '../mcp/call.js';\nexport { callTool };\n")).toHaveLength(1);
    expect(
      await broken('src/membrane/planted.ts', "import { formatStatus } from '../commands/status.js';\nexport { formatStatus };\n"),
    ).toHaveLength(1);
    expect(
      await broken('src/membrane/planted.ts', "import { registry } from '../../tools/index.js';\nexport { registry };\n"),
    ).toHaveLength(1);
    expect(
      await broken('src/membrane/planted.ts', "import type { AnyTool } from '../../tools/contract.js';\nexport type T = AnyTool;\n"),
    ).toEqual([]);
  });

  it('tools/ imports its contract and helpers, and of the server only the leaves (errors, json, bounds), not even a type of the engine', async () => {
    expect(
      await broken('tools/planted.ts', "import { Membrane } from '../src/membrane/membrane.js';\nexport { Membrane };\n"),
    ).toHaveLength(1);
    for (const path of ['tools/planted.ts', 'tools/contract.ts']) {
      expect(await broken(path, "import type { CliResult } from '../src/membrane/runner.js';\nexport type R = CliResult;\n")).toHaveLength(
        1,
      );
    }
    expect(await broken('tools/planted.ts', "import { isObject } from '../src/json.js';\nexport { isObject };\n")).toEqual([]);
    expect(
      await broken(
        'tools/planted.ts',
        "import { ToolError } from '../src/errors.js';\nimport { x } from './fields.js';\nexport { ToolError, x };\n",
      ),
    ).toEqual([]);
  });

  it('a downward import is fine', async () => {
    expect(await broken('src/mcp/planted.ts', "import { FileStore } from '../state/file.js';\nexport { FileStore };\n")).toEqual([]);
  });
});

describe('the complexity budget', () => {
  it('a server function over complexity 15 or 4 parameters is refused; the sandbox is outside the budget', async () => {
    expect(await broken('src/membrane/planted.ts', BRANCHY)).toEqual(["complexity: Function 'f' has a complexity of 16"]);
    expect(
      await broken('tools/planted.ts', 'export const g = (a: number, b: number, c: number, d: number, e: number) => a + b + c + d + e;\n'),
    ).toEqual(['max-params: Arrow function has too many parameters (5)']);
    expect(await broken('src/sandbox/planted.ts', BRANCHY)).toEqual([]);
  });
});
