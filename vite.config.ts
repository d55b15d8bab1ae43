import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [sveltekit()],
  // The native DuckDB addon must stay out of the server bundle (docs/toolchain.md, gotcha 9).
  ssr: { external: ['@duckdb/node-api', '@duckdb/node-bindings'] },
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60000,
    hookTimeout: 120000,
    // Browser tests share one built server and one Chromium; DuckDB files are per test, so files may run in parallel.
    fileParallelism: true
  }
});
