import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', '.cache/**', 'coverage/**', 'examples/**/node_modules/**']},
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    // CommonJS: *.cjs, and bin/run.js (bin/package.json)
    files: ['**/*.cjs', 'bin/run.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {__dirname: 'readonly', require: 'readonly', module: 'writable', process: 'readonly'},
    },
    rules: {'@typescript-eslint/no-require-imports': 'off'},
  },
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        AbortController: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
    },
  },
  {
    // Tests, benchmarks, scripts and examples read parsed JSON (CLI output, state files) and fixtures they have just
    // built: typing every such read, or proving to the compiler what the test itself set up, adds nothing.
    files: ['test/**', 'bench/**', 'scripts/**', 'examples/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
)
