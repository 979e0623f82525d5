import { defineConfig } from 'vitest/config';

// Unit tests of the pure logic (formatting, the recipe form, the live feed, evidence sentences) in
// a simulated DOM; the pages themselves are tried in a real browser by the e2e module.
export default defineConfig({
  test: {
    environment: 'happy-dom',
    include: ['test/**/*.test.ts'],
  },
});
