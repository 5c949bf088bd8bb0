import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Builds the dashboard into dist/web (index.html + hashed assets), which the dashboard server serves. */
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // elkjs alone is ~1.5 MB; it lives in the layout worker, away from the main bundle.
    chunkSizeWarningLimit: 2000,
  },
  worker: { format: 'es' },
  server: {
    // `npm exec vite -- --config web/vite.config.ts` during development: the API from a running dashboard.
    proxy: { '/api': { target: process.env.GOVERNOR_DASHBOARD_URL ?? 'http://127.0.0.1:9090', changeOrigin: false } },
  },
});
