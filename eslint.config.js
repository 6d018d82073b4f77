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
    // a message-less `assert(x)` / `assert.ok(x)` that fails under tsx makes node's assert search the source for
    // the expression: tsx's one-line output gives a column far past the .ts file's line, and node re-parses the
    // file from every token before it (minutes — it looks like a hang). The other assert functions build their
    // message from the values and never search. test/support/assert-message.test.ts shows both cases.
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.type='Identifier'][callee.name='assert'][arguments.length<2]",
          message: 'give assert(x) a message (without one, a failure under tsx can take minutes)',
        },
        {
          selector:
            "CallExpression[callee.type='MemberExpression'][callee.object.name='assert'][callee.property.name='ok'][arguments.length<2]",
          message: 'give assert.ok(x) a message (without one, a failure under tsx can take minutes)',
        },
        {
          selector:
            "CallExpression[callee.property.name='ok'][arguments.1.type='Identifier'][arguments.1.name='undefined']",
          message: 'give assert.ok(x) a message, not undefined (without one, a failure under tsx can take minutes)',
        },
        {
          selector: "ImportDeclaration[source.value=/^(node:)?assert/] > ImportSpecifier[imported.name='ok']",
          message: "use assert.ok from 'node:assert/strict' (the rule that each call has a message checks that name)",
        },
      ],
    },
  },
  {
    // tests, benches and scripts read untyped JSON (CLI output, fixtures) and may say so
    files: ['test/**', 'bench/**', 'scripts/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
