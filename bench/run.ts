/**
 * Import benchmark (`npm run bench`; `npm run bench -- --quick` for a 100-image smoke run).
 *
 * Prints one JSON line per metric on stdout, `{"metric": …, "value": …, "unit": …, "baseline": …, "ratio": …}`;
 * progress and notes go to stderr. Results are recorded in docs/benchmarks.md.
 *
 * - import_throughput: the real host import (walk, sha256, metadata, 256 px WebP thumbnail, job events) on
 *   1,000 generated 1920×1080 JPEGs, against a bare sharp loop doing the same work on the same files with
 *   the same 4 files in flight. Median of alternating runs, fresh data dir each run, warm page cache.
 * - import_peak_rss / import_throughput_10k: the host import of 10,000 such JPEGs in a child process,
 *   whose peak RSS (VmHWM) is read at the end; the bare loop on the same files in another child is the
 *   throughput baseline.
 *
 * Fixtures are generated once into .bench/ (gitignored) and reused while their marker file is present.
 */

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, link, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { differenceHash } from '../src/host/images/dhash';
import { decodeForQuality, qualityOfPixels } from '../src/host/images/quality';
import { thumbnailPixels } from '../src/host/images/probe';
import type { AnyJobEvent, ImportJobEvent } from '../src/core/api/contract';
import type { ImportSummary } from '../src/core/images/types';
import { createHost } from '../src/host/host';
import { note, prng } from './support/common';

const WIDTH = 1920;
const HEIGHT = 1080;
/** Every fixture is a 1920×1080 window of this larger base picture, at an offset that depends on its index. */
const BASE_WIDTH = 2048;
const BASE_HEIGHT = 1152;
const JPEG_QUALITY = 90;
/** Bump when the generator changes, so stale fixtures are not reused. */
const GENERATOR_VERSION = 1;
const IN_FLIGHT = 4;
const RSS_TARGET_MB = 600;
const THROUGHPUT_TARGET_RATIO = 0.9;

const BENCH_DIR = resolve(fileURLToPath(new URL('..', import.meta.url)), '.bench');
const POOL_DIR = join(BENCH_DIR, `pool-v${GENERATOR_VERSION}`);
const SCRIPT = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------------------------------------------------
// Fixtures

/** A soft, photo-like base (gradients and out-of-focus colour blobs) with sensor-like grain. */
function basePicture(): Buffer {
  const rand = prng(12345);
  const data = Buffer.alloc(BASE_WIDTH * BASE_HEIGHT * 3);
  const blobs = Array.from({ length: 24 }, () => ({
    x: rand() * BASE_WIDTH,
    y: rand() * BASE_HEIGHT,
    r2: (80 + rand() * 400) ** 2,
    c: [rand() * 255, rand() * 255, rand() * 255] as const,
  }));
  const grain = 16;
  for (let y = 0; y < BASE_HEIGHT; y++) {
    for (let x = 0; x < BASE_WIDTH; x++) {
      let r = 90 + 60 * Math.sin(x / 170);
      let g = 110 + 50 * Math.sin(y / 130 + x / 400);
      let b = 120 + 40 * Math.cos((x + y) / 260);
      for (const blob of blobs) {
        const d = ((x - blob.x) ** 2 + (y - blob.y) ** 2) / blob.r2;
        if (d < 1) {
          const w = (1 - d) * 0.8;
          r = r * (1 - w) + blob.c[0] * w;
          g = g * (1 - w) + blob.c[1] * w;
          b = b * (1 - w) + blob.c[2] * w;
        }
      }
      const i = (y * BASE_WIDTH + x) * 3;
      data[i] = r + (rand() + rand() - 1) * grain;
      data[i + 1] = g + (rand() + rand() - 1) * grain;
      data[i + 2] = b + (rand() + rand() - 1) * grain;
    }
  }
  return data;
}

/** Fixture `index`: a window of the base at an index-dependent offset, a few hard-edged shapes, and the index drawn as bits. */
function fixturePixels(base: Buffer, index: number): Buffer {
  const rand = prng(index * 7919 + 1);
  const data = Buffer.alloc(WIDTH * HEIGHT * 3);
  const left = Math.floor(rand() * (BASE_WIDTH - WIDTH));
  const top = Math.floor(rand() * (BASE_HEIGHT - HEIGHT));
  for (let y = 0; y < HEIGHT; y++) {
    const from = ((top + y) * BASE_WIDTH + left) * 3;
    base.copy(data, y * WIDTH * 3, from, from + WIDTH * 3);
  }
  const fill = (x0: number, y0: number, w: number, h: number, rgb: readonly number[], alpha: number) => {
    for (let y = Math.max(0, y0); y < Math.min(HEIGHT, y0 + h); y++) {
      for (let x = Math.max(0, x0); x < Math.min(WIDTH, x0 + w); x++) {
        const i = (y * WIDTH + x) * 3;
        for (let c = 0; c < 3; c++) data[i + c] = data[i + c]! * (1 - alpha) + rgb[c]! * alpha;
      }
    }
  };
  for (let k = 0; k < 3; k++) {
    fill(
      Math.floor(rand() * WIDTH),
      Math.floor(rand() * HEIGHT),
      Math.floor(60 + rand() * 400),
      Math.floor(60 + rand() * 300),
      [rand() * 255, rand() * 255, rand() * 255],
      0.5,
    );
  }
  // The index as 16 black/white squares: distinct content for every file, so none is a duplicate.
  for (let bit = 0; bit < 16; bit++) {
    const on = (index >> bit) & 1 ? 255 : 0;
    fill(16 + bit * 32, 16, 32, 32, [on, on, on], 1);
  }
  return data;
}

const poolFile = (index: number) => join(POOL_DIR, `img-${String(index).padStart(5, '0')}.jpg`);

/** Makes sure pool images 0..count-1 exist (written atomically, so existing means complete). */
async function ensurePool(count: number): Promise<void> {
  await mkdir(POOL_DIR, { recursive: true });
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !existsSync(poolFile(i)));
  if (missing.length === 0) return;
  note(`generating ${missing.length} fixture JPEGs into ${POOL_DIR} …`);
  const startedAt = Date.now();
  const base = basePicture();
  let next = 0;
  let made = 0;
  const worker = async () => {
    while (next < missing.length) {
      const index = missing[next++]!;
      const target = poolFile(index);
      const temp = `${target}.tmp`;
      await sharp(fixturePixels(base, index), { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
        .jpeg({ quality: JPEG_QUALITY })
        .toFile(temp);
      await rename(temp, target);
      if (++made % 500 === 0) note(`  ${made} / ${missing.length}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  note(`generated ${missing.length} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
}

/** A folder of `count` fixtures (hard links into the pool), reused while its marker file is present. */
async function ensureSet(count: number): Promise<string> {
  const dir = join(BENCH_DIR, `v${GENERATOR_VERSION}-jpeg-${count}`);
  const marker = `${dir}.ready`;
  if (existsSync(marker)) return dir;
  await ensurePool(count);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const target = join(dir, `img-${String(i).padStart(5, '0')}.jpg`);
    await link(poolFile(i), target).catch(() => copyFile(poolFile(i), target));
  }
  await writeFile(
    marker,
    JSON.stringify({ count, generator: GENERATOR_VERSION, width: WIDTH, height: HEIGHT }),
  );
  return dir;
}

const listJpegs = async (dir: string) =>
  (await readdir(dir))
    .filter((name) => name.endsWith('.jpg'))
    .sort()
    .map((name) => join(dir, name));

/** Reads every file once, so both contenders start from a warm page cache. Returns the total size. */
async function warmCache(dir: string): Promise<number> {
  let total = 0;
  for (const file of await listJpegs(dir)) total += (await readFile(file)).length;
  return total;
}

// ---------------------------------------------------------------------------------------------------------
// The two contenders

interface RunResult {
  readonly images: number;
  readonly seconds: number;
  /** CPU time of the whole process (JS thread, libuv pool, libvips threads) over the same interval. */
  readonly cpuSeconds: number;
}

/** Starts a wall-clock and CPU stopwatch; the returned function reads both, in seconds. */
function stopwatch(): () => { seconds: number; cpuSeconds: number } {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { seconds: (performance.now() - wall) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
  };
}

/** The real thing: a fresh host on an empty data dir, `images.startImport` on the folder, until `done`. */
async function hostImport(folder: string): Promise<RunResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'labelloop-bench-data-'));
  try {
    const host = await createHost({ dataDir, transport: 'browser', version: 'bench' });
    let outputImages = 0;
    let jobId: string | undefined;
    const early: AnyJobEvent[] = [];
    const elapsed = stopwatch();
    const summary = await new Promise<ImportSummary>((resolveDone, reject) => {
      const onEvent = (event: AnyJobEvent) => {
        if (jobId === undefined) {
          early.push(event);
          return;
        }
        if (event.jobId !== jobId) return;
        if (event.type === 'output')
          outputImages += (event as ImportJobEvent & { type: 'output' }).output.images.length;
        // This job is an image import: its summary is an ImportSummary.
        else if (event.type === 'done') resolveDone(event.summary as ImportSummary);
        else if (event.type === 'failed') reject(new Error(`import failed: ${event.error.message}`));
        else if (event.type === 'cancelled') reject(new Error('import was cancelled'));
      };
      host.jobs.subscribe(onEvent);
      host.handlers['images.startImport']({
        projectId: 'bench',
        sources: [{ kind: 'folder', path: folder }],
      }).then(({ jobId: id }) => {
        jobId = id;
        for (const event of early.splice(0)) onEvent(event);
      }, reject);
    });
    const time = elapsed();
    if (
      summary.readable !== summary.candidates ||
      summary.problems !== 0 ||
      outputImages !== summary.readable
    )
      throw new Error(`unexpected import summary ${JSON.stringify(summary)} (${outputImages} images output)`);
    return { images: summary.readable, ...time };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The baseline: the same per-file work as the import, with nothing around it, 4 files in flight. */
async function bareLoop(folder: string): Promise<RunResult> {
  const outDir = await mkdtemp(join(tmpdir(), 'labelloop-bench-bare-'));
  try {
    const elapsed = stopwatch();
    const files = await listJpegs(folder);
    const hashes = new Set<string>();
    let next = 0;
    const worker = async () => {
      while (next < files.length) {
        const input = await readFile(files[next++]!);
        const sha256 = createHash('sha256').update(input).digest('hex');
        hashes.add(sha256);
        const metadata = await sharp(input).metadata();
        if (!metadata.width || !metadata.height) throw new Error('no size');
        // The import decodes once at 512 px, measures brightness/contrast/sharpness (issue 9), shrinks the
        // thumbnail from those pixels and hashes it (dHash, issue 5): the baseline does the same, bare.
        const pixels = await decodeForQuality(input);
        const shrinking = thumbnailPixels(pixels);
        qualityOfPixels(pixels);
        const { data, info } = await shrinking;
        const [webp] = await Promise.all([
          sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
            .webp({ quality: 80 })
            .toBuffer(),
          differenceHash({ data, info }),
        ]);
        await writeFile(join(outDir, `${sha256}.webp`), webp);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const time = elapsed();
    if (hashes.size !== files.length) throw new Error(`${files.length - hashes.size} duplicate fixtures`);
    return { images: files.length, ...time };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

const contenders = { host: hostImport, bare: bareLoop } as const;
type Contender = keyof typeof contenders;

// ---------------------------------------------------------------------------------------------------------
// Child processes (peak RSS must be measured in a process that did nothing else)

interface ChildReport extends RunResult {
  readonly peakRssKb: number;
}

/** The process's peak resident set size in KB: VmHWM on Linux, else getrusage's maxrss (also KB). */
function peakRssKb(): number {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]);
  } catch {
    // Not Linux: fall through.
  }
  return process.resourceUsage().maxRSS;
}

async function runChild(contender: Contender, folder: string): Promise<ChildReport> {
  const child = spawn(process.execPath, [...process.execArgv, SCRIPT, '--child', contender, folder], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  if (code !== 0) throw new Error(`${contender} child exited with ${code}`);
  return JSON.parse(stdout.trim().split('\n').pop()!) as ChildReport;
}

async function childMain(contender: Contender, folder: string): Promise<void> {
  const result = await contenders[contender](folder);
  const report: ChildReport = { ...result, peakRssKb: peakRssKb() };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

// ---------------------------------------------------------------------------------------------------------
// Reporting

const round = (value: number, digits: number) => Number(value.toFixed(digits));

function metric(name: string, value: number, unit: string, baseline: number): void {
  const ratio = round(value / baseline, 3);
  const fields = { metric: name, value, unit, baseline, ratio };
  const json = Object.entries(fields)
    .map(([key, v]) => `${JSON.stringify(key)}: ${JSON.stringify(v)}`)
    .join(', ');
  process.stdout.write(`{${json}}\n`);
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const rate = (run: RunResult) => run.images / run.seconds;
const cpuMs = (run: RunResult) => (run.cpuSeconds * 1000) / run.images;
const describe = (run: RunResult) =>
  `${rate(run).toFixed(1)} images/s (${run.seconds.toFixed(2)} s), ${cpuMs(run).toFixed(2)} CPU ms/image`;
const loadAverage = () => {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
};

async function main(quick: boolean): Promise<void> {
  const count = quick ? 100 : 1000;
  const runs = quick ? 1 : 7;
  note(
    `import benchmark (${quick ? 'quick' : 'full'}): ${count} × ${WIDTH}×${HEIGHT} JPEG, ${runs} run(s) each; ` +
      `sharp ${sharp.versions.sharp} / libvips ${sharp.versions.vips}, sharp.concurrency() = ${sharp.concurrency()}, ` +
      `UV_THREADPOOL_SIZE = ${process.env.UV_THREADPOOL_SIZE ?? 'default (4)'}, load average ${loadAverage()}`,
  );
  const idleLoad = Number(loadAverage().split(' ')[0]);
  if (idleLoad > 1)
    note(`warning: the machine is busy before the benchmark starts (load ${idleLoad}); expect noisy numbers`);
  const folder = await ensureSet(count);
  const bytes = await warmCache(folder);
  note(
    `fixtures: ${folder}, ${(bytes / count / 1024).toFixed(0)} KB per file on average (page cache warmed)`,
  );

  if (!quick) {
    note('warm-up (discarded): one run of each');
    await hostImport(folder);
    await bareLoop(folder);
  }
  const results: Record<Contender, RunResult[]> = { host: [], bare: [] };
  for (let run = 0; run < runs; run++) {
    // Alternate which one goes first, so neither always follows the other.
    const order: Contender[] = run % 2 === 0 ? ['host', 'bare'] : ['bare', 'host'];
    for (const contender of order) {
      const result = await contenders[contender](folder);
      results[contender].push(result);
      note(`  run ${run + 1} ${contender.padEnd(4)} ${describe(result)}, load ${loadAverage()}`);
    }
  }
  const host = median(results.host.map(rate));
  const bare = median(results.bare.map(rate));
  metric('import_throughput', round(host, 1), 'images/s', round(bare, 1));
  // On a shared machine, neighbours' load moves both numbers from run to run; the ratio within each
  // back-to-back pair is a steadier view of the same comparison.
  const pairRatios = results.host.map((run, i) => rate(run) / rate(results.bare[i]!));
  note(
    `  target: ratio ≥ ${THROUGHPUT_TARGET_RATIO} → ${host / bare >= THROUGHPUT_TARGET_RATIO ? 'PASS' : 'FAIL'}; ` +
      `per-pair ratios ${pairRatios.map((r) => r.toFixed(3)).join(' ')} (median ${median(pairRatios).toFixed(3)})`,
  );
  note(
    `  CPU time per image (whole process, median): host ${median(results.host.map(cpuMs)).toFixed(2)} ms, ` +
      `bare ${median(results.bare.map(cpuMs)).toFixed(2)} ms`,
  );

  const bigCount = quick ? 100 : 10_000;
  const bigFolder = bigCount === count ? folder : await ensureSet(bigCount);
  if (bigFolder !== folder) {
    const bigBytes = await warmCache(bigFolder);
    note(`fixtures: ${bigFolder}, ${(bigBytes / 1024 ** 3).toFixed(2)} GB (page cache warmed)`);
  }
  note(`${bigCount}-image import in a child process (peak RSS), then the bare loop in another`);
  const hostChild = await runChild('host', bigFolder);
  note(
    `  host ${describe(hostChild)}, peak RSS ${(hostChild.peakRssKb / 1024).toFixed(0)} MB, load ${loadAverage()}`,
  );
  const bareChild = await runChild('bare', bigFolder);
  note(
    `  bare ${describe(bareChild)}, peak RSS ${(bareChild.peakRssKb / 1024).toFixed(0)} MB, load ${loadAverage()}`,
  );
  metric('import_peak_rss', round(hostChild.peakRssKb / 1024, 1), 'MB', RSS_TARGET_MB);
  note(
    `  target: < ${RSS_TARGET_MB} MB (lower is better) → ${hostChild.peakRssKb / 1024 < RSS_TARGET_MB ? 'PASS' : 'FAIL'}`,
  );
  metric(
    `import_throughput_${quick ? 'quick' : '10k'}`,
    round(rate(hostChild), 1),
    'images/s',
    round(rate(bareChild), 1),
  );
}

const args = process.argv.slice(2);
const childAt = args.indexOf('--child');
if (childAt >= 0) await childMain(args[childAt + 1] as Contender, args[childAt + 2]!);
else await main(args.includes('--quick'));
