import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { compression } from 'vite-plugin-compression2';

import { rulesAlias } from './rules-alias';

/**
 * The web application is built into web/dist, which the API server serves (api/web.ts).
 * `vite` in this folder runs a development server that forwards the server's own routes to
 * a running API (API_ORIGIN, default http://localhost:3000).
 */
const apiOrigin = process.env.API_ORIGIN ?? 'http://localhost:3000';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [
    react(),
    // Each asset also as .br and .gz, made once at build time at the plugin's highest levels, so
    // the server sends the one the browser accepts without compressing on every request.
    compression({ algorithms: ['brotliCompress', 'gzip'], threshold: 1024, logLevel: 'silent' }),
  ],
  resolve: { alias: rulesAlias },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022' },
  server: {
    proxy: Object.fromEntries(['/api', '/dev', '/sign-in/verify', '/healthz', '/readyz'].map((p) => [p, apiOrigin])),
  },
});
