// Two apps from one build: the residents' mobile app at / and the staff
// console at /console/. shuniu serves web/dist and falls back to the nearest
// index.html for client-side routes.
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Vant's icon font names a CDN copy as a fallback behind the inlined one; the
// server's CSP (rightly) blocks it and no district network should need it.
const noCdnFonts = {
  name: 'shuniu-no-cdn-fonts',
  transform(code: string, id: string) {
    if (!id.endsWith('.css')) return null;
    const out = code.replace(/,\s*url\((["']?)(https?:)?\/\/at\.alicdn\.com[^)]*\)\s*format\((["'])woff\3\)/g, '');
    return out === code ? null : { code: out, map: null };
  },
};

export default defineConfig({
  plugins: [vue(), noCdnFonts],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    manifest: true, // read by scripts/budget.mjs
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
