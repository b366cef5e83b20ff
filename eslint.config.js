// Lint (part of `npm test`): typescript-eslint's type-checked recommended rules over the engine,
// the demo, the tests and the benchmarks.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'site/', 'bench-dist/', 'docs/api/', 'node_modules/', 'test-results/', 'playwright-report/', '.carry/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { parserOptions: { projectService: false }, globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly', setTimeout: 'readonly', module: 'writable', performance: 'readonly', window: 'readonly', AbortController: 'readonly', GPUBufferUsage: 'readonly' } },
  },
);
