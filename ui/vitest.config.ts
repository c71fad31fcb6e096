// Unit tests of the client's own parsers (node environment; the browser tests are separate).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['tests/unit/**/*.test.ts'], environment: 'node' },
});
