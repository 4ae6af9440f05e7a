import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { catalogFiles, compileCatalog, readCatalog } from './i18n-catalogs.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * `import('virtual:callflow-catalog/<locale>')`: that locale's messages (every area file of
 * src/i18n/locales/<locale>/) compiled at build time, one chunk per locale, loaded when chosen.
 */
function catalogs(): Plugin {
  const prefix = 'virtual:callflow-catalog/';
  const dir = here('src/i18n/locales');
  return {
    name: 'callflow-catalogs',
    resolveId: (id) => (id.startsWith(prefix) ? `\0${id}` : null),
    load(id) {
      if (!id.startsWith(`\0${prefix}`)) return null;
      const locale = id.slice(prefix.length + 1);
      for (const file of catalogFiles(dir, locale)) this.addWatchFile(file);
      return `export const messages = ${JSON.stringify(compileCatalog(readCatalog(dir, locale)))};`;
    },
  };
}

/** The editor is a static SPA; the API serves apps/editor/dist at `/` (see apps/api/src/app.factory.ts). */
export default defineConfig({
  root: here('.'),
  plugins: [react(), catalogs()],
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
