// The web console's build: Preact (JSX compiled by Vite's own transform, no plugin), bundled into
// dist/ and served by the admin API at `/`, its files under `/console/`. `npm run console:build`
// writes it (npm start and npm test run it when the sources changed); `npm run console:dev` serves
// the sources with hot reload against a running Roost's API.
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // One entry chunk: no preload polyfill (it would be the only script not from a file).
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': process.env.ROOST_ADMIN_URL ?? 'http://127.0.0.1:8080' },
  },
});
