import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'src/**/*.test.ts',
      'simulators/**/*.test.ts',
      'test/**/*.test.ts',
      'dashboards/**/*.test.ts',
      'loadtests/**/*.test.ts',
    ],
    globalSetup: ['test/package/buildDist.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
