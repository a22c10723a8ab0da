// Projects so `npm test` never touches a live SIP stack and `test:e2e` runs alone.
const tsJest = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };

const project = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  transform: tsJest,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  ...extra,
});

const redis = {
  globalSetup: '<rootDir>/test/support/redis-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/redis-global-teardown.ts',
};

module.exports = {
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    project('unit'),
    project('integration', redis),
    // Real headless Chromium against the real app: also builds the console bundle.
    project('browser', { ...redis, globalSetup: '<rootDir>/test/support/browser-global-setup.ts' }),
    project('e2e', {
      globalSetup: '<rootDir>/test/e2e/support/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/e2e/support/setup-timeout.ts'],
    }),
  ],
};
