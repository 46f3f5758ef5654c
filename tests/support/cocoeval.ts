/**
 * Test and benchmark support: upstream pycocotools (`../shared/tools/cocoeval`) as an oracle, run as a CLI.
 *
 * Tests that compare against it should be written
 * `it.skipIf(!cocoevalAvailable() && !MUST_HAVE_COCOEVAL)(...)`: on a developer machine without Debian's
 * python3 they skip, but in CI (`CI=true`) they run and fail loudly, so the oracle can never silently vanish.
 */

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is `tests/support/cocoeval.ts`), and the shared tools beside it. */
const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const COCOEVAL_DIR = resolve(ROOT, '..', 'shared', 'tools', 'cocoeval');
export const COCOEVAL_EXAMPLES = join(COCOEVAL_DIR, 'examples');
export const PYTHON = '/usr/bin/python3';

/** Where build.sh puts pycocotools with its compiled `_mask`: $COCOEVAL_BUILD_DIR, else ${XDG_CACHE_HOME:-~/.cache}/labelloop-cocoeval. */
export const COCOEVAL_BUILD_DIR =
  process.env.COCOEVAL_BUILD_DIR ||
  join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'labelloop-cocoeval');

/** In CI the oracle is required: tests must not skip there when it is missing, they must fail. */
export const MUST_HAVE_COCOEVAL = process.env.CI === 'true';

/** What `cocoeval.py` prints on stdout (one JSON line); see `../shared/tools/cocoeval/README.md`. */
export interface CocoEvalResult {
  /** `COCOeval.stats`: AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl. */
  readonly stats: number[];
  /** Category id (as a string) → AP@[.5:.95] at area "all", maxDets[2]; -1 = the category has no GT. */
  readonly per_class_ap: Record<string, number>;
  readonly per_class_ap50: Record<string, number>;
  readonly per_class_ap75: Record<string, number>;
  /** `[T, R, K, A, M]` of `eval['precision']`. */
  readonly precision_shape: number[];
  readonly n_images: number;
  readonly n_gt: number;
  readonly n_dt: number;
  readonly iou_type: 'bbox' | 'segm';
  readonly max_dets: number[];
}

export interface CocoEvalOptions {
  readonly iouType?: 'bbox' | 'segm';
  readonly maxDets?: readonly number[];
}

let built: { ok: true } | { ok: false; why: string } | undefined;

/** Builds pycocotools' `_mask` extension once per process (`build.sh` is idempotent and takes ~0.2 s when built). */
export function ensureCocoevalBuilt(): void {
  built ??= buildOnce();
  if (!built.ok) throw new Error(`cocoeval is not available: ${built.why}`);
}

function buildOnce(): { ok: true } | { ok: false; why: string } {
  if (!existsSync(PYTHON)) return { ok: false, why: `${PYTHON} not found` };
  if (!existsSync(join(COCOEVAL_DIR, 'cocoeval.py'))) return { ok: false, why: `${COCOEVAL_DIR} not found` };
  const run = spawnSync('bash', [join(COCOEVAL_DIR, 'build.sh')], { encoding: 'utf8' });
  if (run.error) return { ok: false, why: run.error.message };
  if (run.status !== 0) return { ok: false, why: `build.sh exited ${run.status}: ${run.stderr.trim()}` };
  return { ok: true };
}

/** Whether the oracle can run here: python3 and the shared tool exist and `_mask` is built (building it if needed). */
export function cocoevalAvailable(): boolean {
  built ??= buildOnce();
  return built.ok;
}

/** Runs pycocotools on a GT file and a results file; throws with its stderr if it exits non-zero. */
export function runCocoEvalFiles(
  gtPath: string,
  predPath: string,
  options: CocoEvalOptions = {},
): CocoEvalResult {
  ensureCocoevalBuilt();
  const args = [join(COCOEVAL_DIR, 'cocoeval.py'), '--gt', gtPath, '--pred', predPath];
  if (options.iouType) args.push('--iou-type', options.iouType);
  if (options.maxDets) args.push('--max-dets', options.maxDets.join(','));
  // Progress and the summarize() table go to stderr, which can be long on big sets.
  const run = spawnSync(PYTHON, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.error) throw run.error;
  if (run.status !== 0) {
    throw new Error(
      `cocoeval.py exited ${run.status ?? run.signal}:\n${run.stderr.trim().split('\n').slice(-20).join('\n')}`,
    );
  }
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as CocoEvalResult;
}

/** Runs pycocotools on in-memory COCO objects (GT file contents and a results list) via temporary files. */
export function runCocoEval(
  input: { readonly gt: unknown; readonly preds: unknown } & CocoEvalOptions,
): CocoEvalResult {
  const dir = mkdtempSync(join(tmpdir(), 'labelloop-cocoeval-'));
  try {
    const gtPath = join(dir, 'gt.json');
    const predPath = join(dir, 'preds.json');
    writeFileSync(gtPath, JSON.stringify(input.gt));
    writeFileSync(predPath, JSON.stringify(input.preds));
    return runCocoEvalFiles(gtPath, predPath, input);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
