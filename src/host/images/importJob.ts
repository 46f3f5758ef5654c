/** The image import job: walk the sources, probe files with a few in flight, stream results in batches. */

import type { ImportOutput, ImportSource } from '../../core/api/contract';
import type { ContentHash } from '../../core/ids';
import type { ImportProblem, ImportSummary, ProbedImage } from '../../core/images/types';
import type { JobContext } from '../jobs';
import type { RootRegistry } from '../roots';
import { probeImage } from './probe';
import { collectCandidates } from './walk';

export interface ImportOptions {
  readonly dataDir: string;
  readonly maxInputPixels: number;
  readonly roots: RootRegistry;
  /**
   * Files in flight at once. sharp decodes on libuv's pool (4 threads by default) with one vips
   * thread per image on this build, so ~4 in flight is what keeps two cores busy (docs/benchmarks.md).
   */
  readonly concurrency?: number;
}

const BATCH_SIZE = 100;
const BATCH_INTERVAL_MS = 250;

export async function runImport(
  projectId: string,
  sources: readonly ImportSource[],
  options: ImportOptions,
  job: JobContext<ImportOutput>,
): Promise<ImportSummary> {
  const startedAt = Date.now();
  const walked = await collectCandidates(projectId, sources, options.roots, job.signal);
  const { candidates } = walked;
  const firstPathByHash = new Map<ContentHash, string>();
  let images: ProbedImage[] = [];
  let problems: ImportProblem[] = [...walked.problems];
  let readable = 0;
  let problemCount = 0;
  let lastFlush = Date.now();
  let roots: ImportOutput['roots'] = walked.roots;
  const flush = () => {
    if (images.length === 0 && problems.length === 0 && roots.length === 0) return;
    problemCount += problems.length;
    job.output({ roots, images, problems });
    roots = [];
    images = [];
    problems = [];
    lastFlush = Date.now();
  };

  let next = 0;
  let done = 0;
  job.progress(0, candidates.length);
  flush();
  // Hashes are claimed in walk order, so of two identical files the first in the folder is the one
  // imported and the later one is the duplicate, however the reads interleave.
  const claimed: (() => void)[] = [];
  const claimedAll = candidates.map((_, index) => new Promise<void>((resolve) => (claimed[index] = resolve)));
  const worker = async () => {
    while (!job.signal.aborted && next < candidates.length) {
      const index = next++;
      const candidate = candidates[index]!;
      const result = await probeImage(candidate, {
        dataDir: options.dataDir,
        maxInputPixels: options.maxInputPixels,
        claimHash: async (hash, path) => {
          if (index > 0) await claimedAll[index - 1];
          const first = firstPathByHash.get(hash);
          if (first === undefined) firstPathByHash.set(hash, path);
          claimed[index]!();
          return first;
        },
      }).finally(async () => {
        // A file that failed before hashing still passes its turn on.
        if (index > 0) await claimedAll[index - 1];
        claimed[index]!();
      });
      if (result.ok) {
        readable++;
        images.push(result.image);
      } else problems.push(result.problem);
      done++;
      job.progress(done, candidates.length);
      if (images.length + problems.length >= BATCH_SIZE || Date.now() - lastFlush >= BATCH_INTERVAL_MS)
        flush();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  flush();
  return {
    candidates: candidates.length,
    readable,
    problems: problemCount,
    ignoredFiles: walked.ignoredFiles,
    cancelled: job.signal.aborted,
    elapsedMs: Date.now() - startedAt,
  };
}
