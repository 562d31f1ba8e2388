// ESLint (flat config): typescript-eslint's recommended type-checked rules over the package, the reference
// app, the tests and the benchmark; Prettier owns the layout (eslint-config-prettier turns the style rules off).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'infra/**', 'examples/**', 'public/**', '.data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    rules: {
      // A leading underscore marks a binding kept on purpose, as tsc's noUnusedParameters reads it: an Express
      // error handler's fourth parameter, or a property destructured only to leave it out of the rest.
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
      // Express's Request and User are extended by merging into its global namespace
      // (`declare global { namespace Express { … } }`); runtime namespaces stay refused.
      '@typescript-eslint/no-namespace': ['error', { allowDeclarations: true }],
      // A Node-style callback's error is passed on as it came (express-session's store API types it `any`,
      // middleware `next` callbacks `unknown`); rejecting with a string or a number is still refused.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
    },
  },
  { files: ['**/*.mjs', '**/*.js'], ...tseslint.configs.disableTypeChecked },
  prettier,
);
