/**
 * The first-run sample project: the host writes a small dataset of rendered text and shapes with ground
 * truth (src/host/samples), and it comes in through the ordinary COCO import with a schema made for it, so
 * a new user can run the bundled text detector on it and review its pre-labels in the first minute.
 */

import type { ApiClient } from '../../../src/core/api/contract';
import type { ProjectId } from '../../../src/core/ids';
import type { LabelClass } from '../../../src/core/schema/types';
import type { LabelLoopDatabase } from '../db/database';
import { createProject } from '../db/projects';
import { runDatasetImport } from '../import/runDatasetImport';

export const SAMPLE_PROJECT_NAME = 'Sample: text and shapes';
/** Set once the sample was offered on first run, so deleting it never brings it back uninvited. */
export const SAMPLE_SETTING = 'sampleProject';

const CLASSES: readonly LabelClass[] = [
  {
    id: 'text',
    name: 'text',
    color: '#4c9bff',
    hotkey: '1',
    description: 'A line of text, as a 4-point polygon around its letters',
    geometries: ['polygon', 'box', 'rotated-box'],
    attributes: [],
  },
  {
    id: 'rectangle',
    name: 'rectangle',
    color: '#3ecf8e',
    hotkey: '2',
    geometries: ['polygon', 'box'],
    attributes: [],
  },
  {
    id: 'ellipse',
    name: 'ellipse',
    color: '#f5b94a',
    hotkey: '3',
    geometries: ['polygon', 'box'],
    attributes: [],
  },
  {
    id: 'triangle',
    name: 'triangle',
    color: '#e05dff',
    hotkey: '4',
    geometries: ['polygon', 'box'],
    attributes: [],
  },
];

/**
 * Whether this window may make the first-run sample: true for the first to ask (one transaction, so two
 * windows or a double-run effect cannot both make it), false once it was made or offered.
 */
export async function claimFirstRunSample(db: LabelLoopDatabase): Promise<boolean> {
  return db.transaction('rw', db.settings, async () => {
    if (await db.settings.get(SAMPLE_SETTING)) return false;
    await db.settings.put({ key: SAMPLE_SETTING, value: 'creating' });
    return true;
  });
}

/** Creates the sample project and imports its images and labels; resolves when the import has ended. */
export async function createSampleProject(api: ApiClient, db: LabelLoopDatabase): Promise<ProjectId> {
  const written = await api.call('samples.create', {});
  if (!written.ok) throw new Error(`The sample could not be written: ${written.error.message}`);
  const inspected = await api.call('datasets.inspect', {
    path: written.value.annotations,
    format: 'coco',
    images: written.value.images,
  });
  if (!inspected.ok) throw new Error(`The sample could not be read: ${inspected.error.message}`);
  const inspection = inspected.value;
  const known = new Set(CLASSES.map((c) => c.id));
  const project = await createProject(db, SAMPLE_PROJECT_NAME);
  await db.settings.put({ key: SAMPLE_SETTING, value: project.id });
  await runDatasetImport(api, db, project.id, {
    inspection,
    classMap: Object.fromEntries(
      inspection.labels.map((l) => [l.label, known.has(l.label) ? l.label : null]),
    ),
    newClasses: CLASSES,
    markDone: true,
  });
  return project.id;
}
