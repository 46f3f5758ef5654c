/**
 * Exports of dataset versions as host jobs. The renderer owns the data, so an export arrives in steps:
 * `begin` with the settings and the manifest's facts, `append` with the planned images in batches, then
 * `commit`, which lays the files out with the pure writers and writes them atomically with a manifest,
 * reporting progress per file; `jobs.cancel` stops it and leaves nothing at the target.
 */

import { createHash, randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { ExportBeginArgs, ExportImageArgs, ExportSummary } from '../../core/api/exports';
import { exportBeginSchema } from '../../core/api/exports';
import { HostError } from '../../core/api/errors';
import type { ExportImage } from '../../core/export/fromVersion';
import { layoutExport } from '../../core/export/layout';
import { MANIFEST_FORMAT, manifestText, type DatasetManifest } from '../../core/export/manifest';
import type { FormatProblem } from '../../core/formats/types';
import type { JobContext } from '../jobs';
import type { RootRegistry } from '../roots';
import { ExportCancelled, writeDataset, type DatasetEntry } from './datasetWriter';

type BeginArgs = ReturnType<typeof exportBeginSchema.parse>;

interface PendingExport {
  readonly settings: BeginArgs;
  readonly images: ExportImageArgs[];
  touchedAt: number;
}

/** Begun exports not committed within this long are dropped (a closed window never commits). */
const PENDING_TTL_MS = 30 * 60_000;
const MAX_PROBLEMS = 500;

export interface ExportSessions {
  begin(args: ExportBeginArgs): Promise<{ exportId: string }>;
  append(exportId: string, images: readonly ExportImageArgs[]): { received: number };
  /** Takes the export out of the pending ones and returns the job body that writes it. */
  take(exportId: string): (job: JobContext<never>) => Promise<ExportSummary>;
  discard(exportId: string): boolean;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export function createExportSessions(roots: RootRegistry, now: () => number = Date.now): ExportSessions {
  const pending = new Map<string, PendingExport>();
  const expire = () => {
    for (const [id, entry] of pending) if (now() - entry.touchedAt > PENDING_TTL_MS) pending.delete(id);
  };
  const get = (exportId: string): PendingExport => {
    expire();
    const entry = pending.get(exportId);
    if (!entry) throw new HostError('not-found', 'that export is no longer pending; start it again');
    entry.touchedAt = now();
    return entry;
  };

  return {
    async begin(args) {
      const settings = exportBeginSchema.parse(args);
      if (!isAbsolute(settings.target)) {
        throw new HostError('invalid-argument', `"${settings.target}" is not an absolute path`);
      }
      if (await exists(settings.target)) {
        throw new HostError(
          'invalid-argument',
          `${settings.target} already exists; choose a new folder name`,
        );
      }
      expire();
      const exportId = randomUUID();
      pending.set(exportId, { settings, images: [], touchedAt: now() });
      return { exportId };
    },
    append(exportId, images) {
      const entry = get(exportId);
      for (const image of images) entry.images.push(image);
      return { received: entry.images.length };
    },
    take(exportId) {
      const entry = get(exportId);
      pending.delete(exportId);
      return (job) => writeVersionExport(entry.settings, entry.images, roots, job);
    },
    discard(exportId) {
      return pending.delete(exportId);
    },
  };
}

/** Lays the export out, resolves every image in its project root, and writes it all atomically. */
export async function writeVersionExport(
  settings: BeginArgs,
  images: readonly ExportImageArgs[],
  roots: RootRegistry,
  job: JobContext<never>,
): Promise<ExportSummary> {
  const { manifest: facts } = settings;
  const layout = layoutExport(images as readonly ExportImage[], {
    format: settings.format,
    labels: settings.labels,
    skeletons: settings.skeletons,
    ...(settings.task && { task: settings.task }),
    created: facts.version.createdAt,
    description: `${facts.project.name} v${facts.version.number}`,
  });
  const problems: FormatProblem[] = [...layout.problems];
  const copies = settings.images === 'none' ? 0 : images.filter((image) => image.source !== null).length;
  const total = layout.files.length + copies;
  job.progress(0, total);

  const placeOf = new Map(layout.images.map((placed) => [placed.imageId, placed.path]));
  async function* entries(): AsyncGenerator<DatasetEntry> {
    for (const file of layout.files) yield { path: file.path, data: file.text };
    if (settings.images === 'none') return;
    const mode = settings.images;
    for (const image of images) {
      const path = placeOf.get(image.imageId);
      if (path === undefined) continue;
      if (image.source === null) {
        problems.push({
          file: path,
          item: 'image',
          reason: 'the image is no longer in the project; its file was not exported',
        });
        continue;
      }
      const resolved = await roots.resolve(image.source.rootId, image.source.relPath.split('/'));
      if (!resolved.ok) {
        problems.push({
          file: path,
          item: 'image',
          reason: `cannot read ${image.source.relPath}: ${resolved.reason}`,
        });
        continue;
      }
      yield { path, source: resolved.path, mode, sha256: image.source.sha256 };
    }
  }

  const manifest: Omit<DatasetManifest, 'files'> = {
    format: MANIFEST_FORMAT,
    project: facts.project,
    version: facts.version,
    schema: facts.schema,
    export: {
      format: settings.format,
      images: settings.images,
      filters: {
        ...(facts.filters.statuses && { statuses: facts.filters.statuses }),
        ...(facts.filters.classes && { classes: facts.filters.classes }),
        ...(facts.filters.splits && { splits: facts.filters.splits }),
      },
    },
    counts: facts.counts,
    splits: facts.splits,
  };
  try {
    const written = await writeDataset(settings.target, entries(), manifest, {
      signal: job.signal,
      onProgress: (count) => job.progress(count, total),
    });
    const text = manifestText(written);
    return {
      target: settings.target,
      files: written.files.length + 1,
      bytes: written.files.reduce((sum, file) => sum + file.bytes, Buffer.byteLength(text)),
      images: written.files.length - layout.files.length,
      problems: problems.slice(0, MAX_PROBLEMS),
      problemCount: problems.length,
      manifestSha256: createHash('sha256').update(text).digest('hex'),
    };
  } catch (error) {
    if (!(error instanceof ExportCancelled)) throw error;
    return {
      target: settings.target,
      files: 0,
      bytes: 0,
      images: 0,
      problems: [],
      problemCount: 0,
      manifestSha256: null,
    };
  }
}
