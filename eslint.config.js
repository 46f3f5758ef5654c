// Lint: code quality plus the layer rule of ARCHITECTURE.md, enforced per folder.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const uiLibraries = [
  'react',
  'react-dom',
  'react-dom/*',
  'konva',
  'konva/*',
  'react-konva',
  'dexie',
  'zustand',
  'zustand/*',
];
const nodeLibraries = ['sharp', 'onnxruntime-node', 'electron'];

/** One `no-restricted-imports` rule per layer: what that layer may never import. */
const layer = (files, { paths = [], patterns = [], why }) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: paths.map((name) => ({ name, message: why })),
        patterns: [{ group: patterns, message: why }],
      },
    ],
  },
});

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'release/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      '.bench/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Focused tests silently skip the rest of the suite.
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name=/^(it|test|describe)$/][property.name='only']",
          message: '.only skips the rest of the suite',
        },
      ],
    },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  layer(['src/core/**/*.ts'], {
    paths: [...nodeBuiltins, ...uiLibraries, ...nodeLibraries],
    patterns: [
      'node:*',
      'sharp',
      'onnxruntime-node',
      'electron',
      '**/host',
      '**/host/**',
      '**/renderer/**',
      '**/electron/**',
    ],
    why: 'src/core is platform-free: no Node built-ins, no DOM libraries, no host, renderer or Electron code.',
  }),
  layer(['renderer/src/**/*.{ts,tsx}'], {
    paths: [...nodeBuiltins, ...nodeLibraries],
    patterns: ['node:*', 'sharp', 'onnxruntime-node', '**/src/host', '**/src/host/**', '**/electron/**'],
    why: 'renderer/ reaches the host only through the contract in src/core/api.',
  }),
  layer(['src/host/**/*.ts'], {
    paths: [...uiLibraries, 'electron'],
    patterns: ['**/renderer/**', '**/electron/**', 'electron'],
    why: 'src/host is Node-only and transport-free: no UI libraries, no renderer, no Electron.',
  }),
  layer(['electron/**/*.ts'], {
    paths: uiLibraries,
    patterns: ['**/renderer/**'],
    why: 'electron/ wires the host to windows; it never imports the UI.',
  }),
  {
    files: ['**/*.test.ts', '**/*.test.tsx', 'tests/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
