// Builds everything `npm start` and the tests need: the renderer (Vite), Electron main + preload, and the
// browser-mode server (esbuild). Native modules stay external and load from node_modules.
import { build as esbuild } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { build as viteBuild } from 'vite';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
const shared = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  external: ['electron', 'sharp', 'onnxruntime-node'],
  define: { __LABELLOOP_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
};

const quiet = process.argv.includes('--quiet');
await viteBuild({
  configFile: new URL('../vite.config.ts', import.meta.url).pathname,
  logLevel: quiet ? 'error' : 'info',
});
await Promise.all([
  esbuild({ ...shared, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.cjs', format: 'cjs' }),
  esbuild({
    ...shared,
    entryPoints: ['electron/preload.ts'],
    outfile: 'dist/electron/preload.cjs',
    format: 'cjs',
  }),
  esbuild({
    ...shared,
    entryPoints: ['src/host/http/main.ts'],
    outfile: 'dist/host/server.mjs',
    format: 'esm',
    // Bundled CommonJS dependencies may call require(); give the ESM bundle one.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  }),
  esbuild({
    ...shared,
    // The worker thread a model run starts (src/host/inference/runJob.ts).
    entryPoints: ['src/host/inference/runWorker.ts'],
    outfile: 'dist/host/runWorker.mjs',
    format: 'esm',
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  }),
  esbuild({
    ...shared,
    entryPoints: ['src/host/cli/labelloop.ts'],
    outfile: 'dist/cli/labelloop.mjs',
    format: 'esm',
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  }),
]);
if (!quiet) console.log('built dist/renderer, dist/electron, dist/host, dist/cli');
