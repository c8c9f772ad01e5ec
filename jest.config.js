const jestJupyterLab = require('@jupyterlab/testutils/lib/jest-config');

// ESM-only packages that jest must transform, on top of JupyterLab's own list.
const esModules = [
  '@codemirror',
  '@jupyter/ydoc',
  // ES modules only: capture's RunOutputs uses @jupyterlab/outputarea's
  // model, the remote-content tests JupyterLab's own sanitizer.
  '@jupyterlab',
  '@jupyter/react-components',
  '@jupyter/web-components',
  '@marijn',
  '@microsoft',
  '@noble',
  'color',
  'd3',
  'delaunator',
  'exenv-es6',
  'fast-json-patch',
  'idb',
  'internmap',
  'json-stringify-pretty-compact',
  'lib0',
  'marked',
  'nanoid',
  'robust-predicates',
  'ulid',
  'vega',
  'vscode-ws-jsonrpc',
  'y-protocols',
  'y-websocket',
  'yjs'
].join('|');

const baseConfig = jestJupyterLab(__dirname);

module.exports = {
  ...baseConfig,
  automock: false,
  roots: ['<rootDir>/src'],
  modulePathIgnorePatterns: [
    '<rootDir>/.venv',
    '<rootDir>/ui-tests',
    '<rootDir>/lib'
  ],
  collectCoverageFrom: [
    'src/**/*.{ts,tsx}',
    '!src/**/*.d.ts',
    // Shipped as the worker's source text (Function.toString): coverage
    // counters would make it refer to this module, which a worker lacks.
    '!src/storage/writerWorker.ts',
    '!src/**/.ipynb_checkpoints/*'
  ],
  coverageReporters: ['lcov', 'text-summary'],
  reporters: ['default'],
  testEnvironment: '<rootDir>/testutils/jest-env.js',
  testRegex: 'src/.*/__tests__/.*\\.spec\\.ts$',
  transform: {
    ...baseConfig.transform,
    '^.+\\.m?jsx?$': 'babel-jest'
  },
  transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`]
};
