// Two apps from one build: the residents' mobile app at / and the staff
// console at /console/. shuniu serves web/dist and falls back to the nearest
// index.html for client-side routes.
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  plugins: [vue()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    rollupOptions: {
      input: {
        resident: here('./index.html'),
        console: here('./console/index.html'),
      },
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/open311': 'http://127.0.0.1:8080' },
  },
});
