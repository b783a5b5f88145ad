import { join } from 'node:path';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

/** The marketing dashboard, built into .output/dashboard and served by the workspace. */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [preact()],
  build: { outDir: join(import.meta.dirname, '..', '..', '.output', 'dashboard'), emptyOutDir: true },
  logLevel: 'warn',
});
