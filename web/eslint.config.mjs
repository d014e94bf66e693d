// eslint.config.mjs: the dashboard's lint rules (ESLint 9 flat config); scripts/lint runs it.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['public/vendor/**', 'public/dist/**', 'node_modules/**'] },
  js.configs.recommended,
  {
    files: ['public/**/*.js', 'src/**/*.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.browser, echarts: 'readonly', ol: 'readonly' } },
    rules: { 'no-unused-vars': ['error', { args: 'none' }], eqeqeq: ['error', 'smart'], 'no-var': 'error', 'prefer-const': 'error' },
  },
  {
    files: ['e2e/**/*.mjs', 'scripts/**/*.mjs', '*.mjs'],
    // e2e callbacks passed to page.evaluate run in the browser, against the app's globals.
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node, ...globals.browser } },
  },
];
