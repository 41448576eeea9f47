// The package names its wasm, JavaScript and CSS files with
// `new URL("./file", import.meta.url)`: `vite build` emits them into
// dist/assets. The dev server's dependency pre-bundling would move the
// module away from those files, so the package is excluded from it.
import { defineConfig } from 'vite';

export default defineConfig({
  optimizeDeps: { exclude: ['tongxin-widgets'] },
  build: { target: 'es2022' },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
