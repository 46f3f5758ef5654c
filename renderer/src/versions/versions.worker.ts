/**
 * Snapshotting and diffing versions off the UI thread: both read every image of a version (100,000 rows
 * take seconds), so the page stays responsive while they run.
 */

import { openDatabase } from '../db/database';
import { createProjectVersion, diffProjectVersions } from '../db/versions';
import type { VersionsWorkerRequest, VersionsWorkerResponse } from './versionsProtocol';

const db = openDatabase();

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
  }
};

self.onmessage = (message: MessageEvent<VersionsWorkerRequest>) => {
  const request = message.data;
  run(request).then(
    (value) => self.postMessage({ id: request.id, ok: true, value } satisfies VersionsWorkerResponse),
    (error: unknown) =>
      self.postMessage({
        id: request.id,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      } satisfies VersionsWorkerResponse),
  );
};
