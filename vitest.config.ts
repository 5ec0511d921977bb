import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Real sockets and SQLite files: a little parallelism, not one worker per core of a busy CI box.
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
