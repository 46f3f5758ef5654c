/**
 * `npm run bench`: every benchmark, one after another (they would disturb each other in parallel).
 * Each prints one JSON line per metric; `--only=import,gallery` runs a subset; `--quick` is passed on.
 */

import { spawnSync } from 'node:child_process';

const BENCHES: Record<string, { script: string; what: string; needsBuild?: boolean }> = {
  import: { script: 'bench/run.ts', what: 'image import vs a bare sharp loop; peak RSS at 10,000 images' },
  gallery: { script: 'bench/gallery.ts', what: 'gallery with 100,000 images in Chromium', needsBuild: true },
  validate: { script: 'bench/validate.ts', what: 'schema validation of 1,000,000 annotations in Node' },
  'schema-worker': {
    script: 'bench/schemaValidation.ts',
    what: 'whole-project validation in the Web Worker, UI frame times meanwhile',
    needsBuild: true,
  },
  'hit-test': { script: 'bench/hitTest.ts', what: 'spatial index build and hit-testing' },
  tiles: { script: 'bench/tiles.ts', what: 'tile pyramid of a 30,000 × 30,000 JPEG' },
  canvas: {
    script: 'bench/canvas.ts',
    what: 'labeling canvas in Chromium: pan, zoom, drag with 10,000 boxes on 4K; open and next image',
    needsBuild: true,
  },
  datasets: {
    script: 'bench/datasets.ts',
    what: 'COCO and YOLO export and import, version snapshot and diff: 100,000 images, 1,000,000 boxes',
  },
  'versions-app': {
    script: 'bench/versionsApp.ts',
    what: 'create two versions of 100,000 images / 1,000,000 boxes and diff them, in Chromium',
    needsBuild: true,
  },
  inference: {
    script: 'bench/inference.ts',
    what: 'detector pipeline (decode, preprocess, model, decode outputs, store) against bare session.run',
  },
  'near-duplicates': {
    script: 'bench/nearDuplicates.ts',
    what: 'near-duplicate groups of 100,000 perceptual hashes',
  },
  similarity: {
    script: 'bench/similarity.ts',
    what: 'nearest neighbours among 100,000 × 512-d embeddings (1 and 1,000 queries) and 100,000 dHashes',
  },
  evaluation: {
    script: 'bench/evaluation.ts',
    what: 'COCO evaluation of 5,000 images × 100 detections against pycocotools (also in a worker)',
  },
  qa: {
    script: 'bench/qa.ts',
    what: 'agreement report and consistency checks: 10,000 images × 2 annotators × 10 boxes',
  },
};

const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const passOn = process.argv.filter((a) => a === '--quick');
const selected = Object.entries(BENCHES).filter(([name]) => !only || only.includes(name));
const unknown = only?.filter((name) => !(name in BENCHES)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}

if (selected.some(([, bench]) => bench.needsBuild)) {
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--quiet'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
let failed = 0;
for (const [name, bench] of selected) {
  console.error(`\n# ${name}: ${bench.what}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', bench.script, ...passOn], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed++;
    console.error(`# ${name} failed (exit ${run.status})`);
  }
}
process.exit(failed > 0 ? 1 : 0);
