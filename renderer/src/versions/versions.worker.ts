/**
 * Snapshotting and diffing versions off the UI thread: both read every image of a version (100,000 rows
 * take seconds), so the page stays responsive while they run.
 */

import { openDatabase } from '../db/database';
import { createProjectVersion, diffProjectVersions } from '../db/versions';
import type { VersionsWorkerRequest } from './versionsProtocol';
import { answerRequests } from '../workers/rpc';
import { planVersionExport } from '../../../src/core/export/fromVersion';
import type { ExportImageArgs } from '../../../src/core/api/exports';
import { exportRequest, loadExportSource, summarizePlan, type ExportSource } from '../export/runExport';
import type { VersionId } from '../../../src/core/versions/types';

const db = openDatabase();

/** The version an export dialog has open, read once, and the images of the export being sent. */
let exportSource: { versionId: VersionId; source: Promise<ExportSource> } | undefined;
let prepared: ExportImageArgs[] = [];
const sourceOf = (versionId: VersionId): Promise<ExportSource> => {
  if (exportSource?.versionId !== versionId) {
    exportSource = { versionId, source: loadExportSource(db, versionId) };
    // A failed read is not kept: the next request tries again.
    exportSource.source.catch(() => (exportSource = undefined));
  }
  return exportSource.source;
};

const run = async (request: VersionsWorkerRequest): Promise<unknown> => {
  switch (request.op) {
    case 'create': {
      const { images: _images, ...summary } = await createProjectVersion(db, request.projectId, {
        message: request.message,
        author: request.author,
        now: request.now,
        split: request.split,
      });
      // The frozen images stay in the database; the page only needs the summary.
      return summary;
    }
    case 'diff':
      return diffProjectVersions(db, request.from, request.to, request.options);
    case 'exportPlan': {
      const source = await sourceOf(request.versionId);
      return summarizePlan(source, planVersionExport(source.version, source.schema, request.filters));
    }
    case 'exportPrepare': {
      const { begin, images } = exportRequest(await sourceOf(request.versionId), request.settings);
      prepared = images;
      return { begin, count: images.length };
    }
    case 'exportBatch':
      return prepared.slice(request.start, request.end);
    case 'exportRelease':
      exportSource = undefined;
      prepared = [];
      return null;
  }
};

answerRequests(run);
