import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const SHARED_LAYERS = ['type:contracts', 'type:util', 'type:data-access'];
const APPS = [
  'tenant-registry',
  'policy-engine',
  'observability-store',
  'billing',
  'eval-loop',
  'mpctl',
  'console',
];

// Layers: an app never imports another app; libraries never import apps; production code never
// imports the test harnesses. Scopes: shared code depends on shared code only, each app on shared
// code and itself.
const DEP_CONSTRAINTS = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: [...SHARED_LAYERS, 'type:runtime'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:contracts', 'type:util'] },
  { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: SHARED_LAYERS },
  { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: SHARED_LAYERS },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: [...SHARED_LAYERS, 'type:runtime', 'type:testing'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: [...SHARED_LAYERS, 'type:runtime', 'type:testing'] },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  ...APPS.map((app) => ({
    sourceTag: `scope:${app}`,
    onlyDependOnLibsWithTags: ['scope:shared', `scope:${app}`],
  })),
];

// Tests may also use the test harness libraries.
const TEST_DEP_CONSTRAINTS = DEP_CONSTRAINTS.map((c) =>
  c.sourceTag.startsWith('type:') && c.sourceTag !== 'type:contracts'
    ? { ...c, onlyDependOnLibsWithTags: [...new Set([...c.onlyDependOnLibsWithTags, 'type:testing'])] }
    : c,
);

const boundaries = (depConstraints) => [
  'error',
  { enforceBuildableLibDependency: false, allow: [], depConstraints },
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/coverage/**',
      '.nx/**',
      '.local/**',
      'libs/contracts/src/gen/**',
      'examples/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@nx': nx },
    rules: {
      // Promises: every one is awaited, returned or explicitly voided.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/promise-function-async': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@nx/enforce-module-boundaries': boundaries(DEP_CONSTRAINTS),
    },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(TEST_DEP_CONSTRAINTS),
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    // Config files (jest.config.js, eslint.config.js) are not code: no type-aware rules, and they
    // may import the workspace presets by path.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@nx/enforce-module-boundaries': 'off' },
  },
  prettier,
);
