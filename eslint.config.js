// One linter for TypeScript and Svelte. Prettier owns layout; ESLint owns correctness, so the stylistic rules
// that would fight Prettier are left out (eslint-config-prettier is not needed: none of these presets sets them).
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
  {
    ignores: ['node_modules/', '.svelte-kit/', 'build/', 'static/', 'data/', 'tests/output/', 'bench/output/']
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } }
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig }
    }
  },
  {
    rules: {
      // `_name` marks a parameter kept for its position (callbacks, SvelteKit handlers).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }
      ],
      // The dashboard is served at the site's root (no paths.base), so a plain href is already resolved.
      'svelte/no-navigation-without-resolve': 'off',
      // `{' '}` keeps a deliberate space between inline elements that a formatter would otherwise drop.
      'svelte/no-useless-mustaches': 'off',
      // URLSearchParams here are built inside functions to make links, never kept as reactive state.
      'svelte/prefer-svelte-reactivity': 'off'
    }
  }
);
