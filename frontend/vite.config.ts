import { defineConfig } from 'vite';

// The build lands in target/classes/META-INF/resources so the Maven jar of this module is served
// by Quarkus at "/". `npm run dev` proxies the API to a backend on :8080.
export default defineConfig({
  build: {
    outDir: 'target/classes/META-INF/resources',
    emptyOutDir: true,
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/ws': { target: 'ws://localhost:8080', ws: true },
    },
  },
});
