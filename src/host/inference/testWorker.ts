/** Test and benchmark support: the model-run worker bundled as scripts/build.mjs bundles it, with no prior build. */

import { build } from 'esbuild';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * Bundles runWorker.ts into a temporary folder inside the project's node_modules/.cache: an ES module
 * resolves its external imports (sharp, onnxruntime-node) from where it sits.
 */
export async function bundleRunWorker(
  root = resolve('.'),
): Promise<{ path: string; remove: () => Promise<void> }> {
  await mkdir(join(root, 'node_modules/.cache'), { recursive: true });
  const dir = await mkdtemp(join(root, 'node_modules/.cache/labelloop-run-worker-'));
  const path = join(dir, 'runWorker.mjs');
  await build({
    entryPoints: [join(root, 'src/host/inference/runWorker.ts')],
    outfile: path,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: ['sharp', 'onnxruntime-node'],
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}
