// Builds the single-page app into dist/web, which the console's server serves (and `npm run dev:web`
// serves with hot reload, forwarding /api to a console server on 3000).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = new URL('.', import.meta.url).pathname;

export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: `${root}../dist/web`, emptyOutDir: true, sourcemap: true },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
