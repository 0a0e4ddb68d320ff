import { defineConfig } from 'vitest/config';
import mapsan from 'mapsan/vitest';

export default defineConfig({
  // Instruments test and source files and fails the test whose code raced.
  plugins: [mapsan()],
});
