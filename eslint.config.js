// eslint (flat config), run by `npm test` after tsc and prettier: JavaScript's and typescript-eslint's
// recommended rules (the ones that find defects: unused code, dead stores, expressions that do nothing,
// precision lost in literals, a caught error dropped from the one thrown) — type checking itself is tsc's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'web/', 'out/', 'test-output/', 'schema/', 'examples/', 'data/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_name` marks a value left out on purpose (a destructured field dropped, an unused callback argument)
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // `ok && f()` and `c ? f() : g()` as statements are calls; a bare comparison or value is a defect
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      // `const self = this` for closures over a model object (the DAE residuals) is deliberate
      '@typescript-eslint/no-this-alias': 'off',
    },
  },
  {
    // tests, benches and scripts read untyped JSON (CLI output, fixtures) and may say so
    files: ['test/**', 'bench/**', 'scripts/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
