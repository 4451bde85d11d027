// ESLint for every script in the repo: the recommended JavaScript and TypeScript rules, plus
// type-aware rules that catch the classic async mistakes (a promise nobody awaits or handles, an
// async function where a callback's result is ignored) and code nothing uses. Formatting is left to
// Prettier alone (eslint-config-prettier turns off every rule that would disagree with it).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

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
  prettier,
);
