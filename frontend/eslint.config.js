// Lint for the browser code: ESLint's and typescript-eslint's recommended rules, run by `npm run build`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['target/', 'node_modules/', 'src/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['scripts/**', '*.config.*'], languageOptions: { globals: globals.node } },
  {
    languageOptions: { globals: globals.browser },
    rules: {
      'max-len': ['error', { code: 140, ignoreUrls: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
);
