import { join } from 'node:path';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

/** The marketing dashboard, built into .output/dashboard and served by the workspace. */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [preact()],
  build: {
    outDir: join(import.meta.dirname, '..', '..', '.output', 'dashboard'),
    emptyOutDir: true,
    // Every asset (the favicon, the header's mark) is a file under /assets, served with its own
    // Content-Type: never a data: URI.
    assetsInlineLimit: 0,
    rollupOptions: {
      // zod's published files carry /* @__PURE__ */ comments where Rollup cannot use them: harmless,
      // and not ours to fix, so they do not reach the build output.
      onLog(level, log, handler) {
        if (log.code === 'INVALID_ANNOTATION' && log.id?.includes('node_modules')) return;
        handler(level, log);
      },
    },
  },
  logLevel: 'warn',
});
