// ESLint for every script in the repo: the recommended JavaScript and TypeScript rules, plus
// type-aware rules that catch the classic async mistakes (a promise nobody awaits or handles, an
// async function where a callback's result is ignored) and code nothing uses. Formatting is left to
// Prettier alone (eslint-config-prettier turns off every rule that would disagree with it).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/**
 * The layers, from the entry down: src/cli.ts and src/index.ts -> src/commands -> src/mcp ->
 * tools/ and src/membrane -> src/safety -> src/state, with src/errors.ts and the other top-level
 * modules below them all. An import may only go down. The sandbox is a program of its own that the
 * server runs (by path, never by import). Each entry is a regular expression on the import path.
 */
const SANDBOX = { regex: '(^|/)sandbox/', message: 'the server runs the sandbox as a program (by path); it never imports it' };
/** @param {string} folder @param {string} why */
const up = (folder, why) => ({ regex: `(^|/)${folder}/`, message: `an import up the layers (${why})` });
const ENTRY = { regex: '^(\\.\\./)+(src/)?(cli|index)\\.js$', message: 'an import of an entry point (src/cli.ts, src/index.ts)' };
const COMMANDS = up('commands', 'src/commands is the command line: only the entry imports it');
const MCP = up('mcp', 'src/mcp is the MCP surface: commands and the entry import it, nothing below');
const MEMBRANE = up('membrane', 'src/membrane is above safety and state');
const SAFETY = up('safety', 'src/safety is above state');
/** src/membrane reads the tool contract's types (ToolDefinition, ToolContext) and nothing else of tools/. */
const TOOLS_BUT_TYPES = {
  regex: '(^|/)tools/',
  allowTypeImports: true,
  message: 'src/membrane may import only types of the tool contract; tools/ is above it',
};
/** tools/ imports the contract and its helpers (./*), and of the server only these leaves. */
const TOOLS_ONLY = {
  regex: '^\\.\\./src/(?!(errors|json|safety/bounds)\\.js$)',
  message:
    'tools/ imports the contract and its helpers (./*), and of src/ only errors, json and safety/bounds: it reads through ToolContext',
};
/**
 * @param {string[]} files
 * @param {...{ regex: string; message: string; allowTypeImports?: boolean }} patterns
 * @returns {import('eslint').Linter.Config}
 */
const layer = (files, ...patterns) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [SANDBOX, ...patterns] }] },
});
const LAYERS = [
  layer(['src/state/**/*.ts'], ENTRY, COMMANDS, MCP, MEMBRANE, SAFETY, { regex: '(^|/)tools/', message: 'src/state is below tools/' }),
  layer(['src/safety/**/*.ts'], ENTRY, COMMANDS, MCP, MEMBRANE, { regex: '(^|/)tools/', message: 'src/safety is below tools/' }),
  layer(['src/membrane/**/*.ts'], ENTRY, COMMANDS, MCP, TOOLS_BUT_TYPES),
  layer(['src/mcp/**/*.ts'], ENTRY, COMMANDS),
  layer(['src/commands/**/*.ts'], ENTRY),
  layer(['src/*.ts']),
  layer(['tools/**/*.ts'], ENTRY, TOOLS_ONLY),
];

/**
 * TEMPORARY, removed by the lead at merge: files other helpers are rewriting at the same time,
 * which still break the budget or the tools/ imports on this branch.
 */
/** @type {import('eslint').Linter.Config[]} */
const PENDING = [];

/**
 * The server's complexity budget (the sandbox, a test double, is outside it).
 * @type {import('eslint').Linter.Config}
 */
const BUDGET = {
  files: ['src/**/*.ts', 'tools/**/*.ts'],
  ignores: ['src/sandbox/**'],
  rules: { complexity: ['error', 15], 'max-params': ['error', 4] },
};

export default defineConfig(
  { ignores: ['dist/', 'coverage/', 'reports/', '.stryker-tmp/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // TypeScript resolves every name, in the .mjs files too (checkJs in tsconfig.test.json).
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-unused-private-class-members': 'error',
    },
  },
  {
    // The TypeScript code gets the type-aware rules, from one program (tsconfig.eslint.json). The
    // .mjs files (bench, scripts, configs) are type-checked by tsc but skip these: keeping them out
    // of the program saves about 2 s of CPU on every run.
    files: ['src/**/*.ts', 'tools/**/*.ts', 'test/**/*.ts'],
    languageOptions: {
      parserOptions: { project: './tsconfig.eslint.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // Only where it matters: a promise returned unawaited from a try skips its catch and finally.
      '@typescript-eslint/return-await': ['error', 'error-handling-correctness-only'],
      // A caught error or abort reason passed on as it came is fine; a string or number made up is not.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
    },
  },
  {
    // The sandbox is CommonJS (src/sandbox/package.json) and loads each command's and domain's
    // modules on demand with require(), so a CLI run pays only for what it uses.
    files: ['src/sandbox/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests read tools' structured results and the sandbox's JSON output as `any`: each tool has its
    // own shape, and the assertions pin the fields.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  ...LAYERS,
  BUDGET,
  ...PENDING,
  prettier,
);
