// The dashboard's build: served by controld under /ui/, every asset under assets/ named by its
// content hash (controld caches those for a year and revalidates index.html).
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/ui/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: process.env.KEEL_UI_OUT ?? '../build/ui/dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    // No inline script anywhere: controld's Content-Security-Policy forbids it.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
  },
});
