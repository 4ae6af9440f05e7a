import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** The editor is a static SPA; the API serves apps/editor/dist at `/` (see apps/api/src/app.factory.ts). */
export default defineConfig({
  root: here('.'),
  plugins: [react()],
  resolve: {
    alias: { '@callflow/flow': here('../../libs/flow/src/index.ts') },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: { '/api': { target: process.env.API_URL ?? 'http://127.0.0.1:3000', changeOrigin: false } },
  },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    // No source maps in the build (the API refuses .map requests as well).
    sourcemap: false,
    chunkSizeWarningLimit: 900,
    rolldownOptions: {
      output: {
        // The canvas screens load on first use: React Flow, the flow library (zod, Handlebars
        // parser) and the editor modules go in one "canvas" chunk; the main chunk stays small. The
        // comparison of versions (src/editor/diff) is a chunk of its own, loaded when first opened.
        codeSplitting: {
          includeDependenciesRecursively: false,
          groups: [
            {
              name: 'canvas',
              test: /@xyflow[\\/]react[\\/]dist[\\/]esm|@xyflow[\\/]system|[\\/]zod[\\/]|@handlebars|libs[\\/]flow|src[\\/]editor[\\/](?!diff[\\/])/,
            },
          ],
        },
      },
    },
  },
});
