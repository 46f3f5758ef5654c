import { afterEach, describe, expect, it } from 'vitest';
import type { AnnotationId } from '../../../src/core/annotations/types';
import type { ImageId } from '../../../src/core/ids';
import { AUDIT_CSV_COLUMNS, bundleEntry, commentEntry, reviewEntry } from '../../../src/core/qa/audit';
import { auditExport, auditFileName, dayBounds, filterAuditLog, loadAuditLog } from './auditLog';
import type { LabelLoopDatabase } from './database';
import type { AuditRecord } from './qaRecords';
import { addProject, imageRecord } from './testFixtures';
import { openTestDatabase } from './testDatabase';

const open: LabelLoopDatabase[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

const ANA = 'user-ana';
const BO = 'user-bo';
const names = (user: string) => ({ [ANA]: 'Ana Silva', [BO]: 'Bo Chen' })[user] ?? user;
const cat = 'img-cat' as ImageId;
const dog = 'img-dog' as ImageId;
const gone = 'img-gone' as ImageId;
const day = (d: number, hour = 12) => new Date(2025, 2, d, hour).getTime();

async function projectWithLog() {
  const { db } = openTestDatabase();
  open.push(db);
  const projectId = await addProject(db, 'Street scenes');
  const other = await addProject(db, 'Other');
  await db.images.bulkAdd([
    imageRecord(projectId, cat, 'pets/cat_0001.jpg', 1),
    imageRecord(projectId, dog, 'pets/dog_0002.jpg', 2),
  ]);
  const entries: AuditRecord[] = [
    {
      projectId,
      imageId: cat,
      annotationId: 'ann-1' as AnnotationId,
      at: day(10),
      user: ANA,
      action: 'annotation.created',
      origin: 'do',
      before: null,
      after: { classId: 'c-car' },
      summary: 'Added car box',
      id: 'h1:000001:0',
    },
    {
      ...reviewEntry({ projectId, imageId: cat, user: BO, at: day(12), from: 'submitted', to: 'accepted' }),
      id: 'r1',
    },
    {
      ...commentEntry({
        projectId,
        imageId: dog,
        user: BO,
        at: day(14),
        action: 'comment.added',
        commentId: 'c1',
        text: 'Missing the leash, "see left"',
      }),
      id: 'c1',
    },
    {
      ...reviewEntry({
        projectId,
        imageId: gone,
        user: ANA,
        at: day(15),
        from: 'submitted',
        to: 'in-review',
      }),
      id: 'r2',
    },
    {
      ...bundleEntry({
        projectId,
        user: ANA,
        at: day(16),
        direction: 'exported',
        fileName: 'ana.llbundle',
        images: 2,
      }),
      id: 'b1',
    },
    {
      ...reviewEntry({
        projectId: other,
        imageId: cat,
        user: ANA,
        at: day(13),
        from: 'submitted',
        to: 'accepted',
      }),
      id: 'x1',
    },
  ];
  await db.audit.bulkAdd(entries);
  return { db, projectId };
}

const ids = (entries: readonly AuditRecord[]) => entries.map((e) => e.id);

describe('loadAuditLog', () => {
  it("loads the project's entries newest first with the file names of images still in the project", async () => {
    const { db, projectId } = await projectWithLog();
    const log = await loadAuditLog(db, projectId);
    expect(ids(log.entries)).toEqual(['b1', 'r2', 'c1', 'r1', 'h1:000001:0']);
    expect(log.fileNames).toEqual(
      new Map([
        [cat, 'cat_0001.jpg'],
        [dog, 'dog_0002.jpg'],
      ]),
    );
  });

  it('loads an empty log for a project with no entries', async () => {
    const { db } = openTestDatabase();
    open.push(db);
    const projectId = await addProject(db, 'Empty');
    expect(await loadAuditLog(db, projectId)).toEqual({ entries: [], fileNames: new Map() });
  });
});

describe('filterAuditLog', () => {
  it('filters by user, action group, file name, days and text', async () => {
    const { db, projectId } = await projectWithLog();
    const log = await loadAuditLog(db, projectId);
    expect(ids(filterAuditLog(log, { user: BO }))).toEqual(['c1', 'r1']);
    expect(ids(filterAuditLog(log, { actionPrefix: 'review.' }))).toEqual(['r2', 'r1']);
    expect(ids(filterAuditLog(log, { imageName: 'CAT_' }))).toEqual(['r1', 'h1:000001:0']);
    expect(ids(filterAuditLog(log, { ...dayBounds('2025-03-12', '2025-03-14') }))).toEqual(['c1', 'r1']);
    expect(ids(filterAuditLog(log, { text: 'leash' }))).toEqual(['c1']);
    expect(ids(filterAuditLog(log, { user: ANA, actionPrefix: 'review.', imageName: 'dog' }))).toEqual([]);
    expect(filterAuditLog(log, {})).toHaveLength(5);
  });

  it('takes a day bound as the whole local day and ignores an empty one', () => {
    expect(dayBounds('2025-03-12', '')).toEqual({ from: day(12, 0) });
    expect(dayBounds('', '2025-03-12')).toEqual({ to: day(13, 0) - 1 });
  });
});

describe('export', () => {
  it('writes the filtered entries as CSV with names, and as JSON', async () => {
    const { db, projectId } = await projectWithLog();
    const log = await loadAuditLog(db, projectId);
    const filtered = filterAuditLog(log, { user: BO });

    const csv = auditExport(filtered, 'csv', names);
    expect(csv.mime).toBe('text/csv');
    const lines = csv.text.trimEnd().split(/\r?\n/);
    expect(lines[0]).toBe(AUDIT_CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe(
      `${new Date(day(14)).toISOString()},Bo Chen,comment.added,review,img-dog,,"Commented: Missing the leash, ""see left""",,` +
        `"{""comment"":""c1"",""text"":""Missing the leash, \\""see left\\""""}"`,
    );
    expect(lines[2]).toContain('Bo Chen,review.status,review,img-cat,,submitted → accepted');
    expect(csv.text).not.toContain('Ana Silva');

    const json = auditExport(filtered, 'json', names);
    expect(json.mime).toBe('application/json');
    expect((JSON.parse(json.text) as AuditRecord[]).map((e) => e.id)).toEqual(['c1', 'r1']);
  });

  it('names the file after the project and the day', () => {
    expect(auditFileName('Street scenes', 'csv', new Date(2025, 2, 9, 23).getTime())).toBe(
      'Street_scenes-audit-2025-03-09.csv',
    );
    expect(auditFileName('a/b', 'json', new Date(2025, 11, 31).getTime())).toBe('a_b-audit-2025-12-31.json');
  });
});
