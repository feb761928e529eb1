/* Jest runs unit specs (src, *.spec.ts: pure logic), integration specs
 * (test, *.e2e-spec.ts: the real app on real PostgreSQL, Redis and SMTP) and browser specs
 * (test/browser, *.browser-spec.ts: the web pages driven in Chromium).
 * NestJS 12 ships ESM: @swc/jest transforms it to CommonJS along with our code. */
const swc = ['@swc/jest', {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
}];
const common = {
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|file-type|strtok3|token-types|uint8array-extras|@tokenizer|@borewit)/)'],
  // file-type (ESM-only, like its dependencies listed above) exports itself under `import`/`module-sync`, conditions Jest's resolver does not use
  moduleNameMapper: { '^file-type$': '<rootDir>/node_modules/file-type/index.js' },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testEnvironment: 'node',
};
module.exports = {
  maxWorkers: 2,
  // integration tests wait on real SMTP, Redis and PostgreSQL round trips
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
    {
      // the web pages in a real Chromium (Debian's, see test/browser/support/chromium.ts), with axe-core
      ...common,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
      globalSetup: '<rootDir>/test/browser/support/global-setup.ts',
    },
    {
      // stop and restart the machine's PostgreSQL and Redis: CI or FAULT_TESTS=1 only, run alone after the rest
      ...common,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/*.fault-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
  ],
};
