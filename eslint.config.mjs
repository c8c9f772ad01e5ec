import jupyter from '@jupyter/eslint-plugin';
import prettierRecommended from 'eslint-plugin-prettier/recommended';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'lib/',
      'coverage/',
      'jupyterlab_runs/',
      '.venv/',
      'ui-tests/node_modules/',
      'ui-tests/test-results/',
      'ui-tests/playwright-report/',
      '**/*.generated.js',
      'src/core/schema/*.json',
      '**/*.d.ts',
      'tests/',
      '**/*.config.js',
      'babel.config.js',
      'testutils/'
    ]
  },
  ...tseslint.configs.recommended,
  ...jupyter.configs.recommended,
  prettierRecommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports' }
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-namespace': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { args: 'none', varsIgnorePattern: '^_' }
      ],
      '@typescript-eslint/naming-convention': [
        'error',
        {
          selector: 'interface',
          format: ['PascalCase'],
          custom: { regex: '^I[A-Z]', match: true }
        }
      ],
      curly: ['error', 'all'],
      eqeqeq: 'error',
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      'prefer-arrow-callback': 'error'
    }
  },
  {
    files: ['**/__tests__/**/*.ts', 'ui-tests/**/*.ts', 'benchmarks/**'],
    rules: {
      '@jupyter/no-untranslated-string': 'off',
      'jupyter/no-untranslated-string': 'off'
    }
  }
);
