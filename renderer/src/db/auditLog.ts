/** The audit log screen's data: a project's entries loaded once, the file names they refer to, filtering in memory and export. */

import type { ImageId, ProjectId } from '../../../src/core/ids';
import { auditToCsv, auditToJson, filterAudit, type AuditFilter } from '../../../src/core/qa/audit';
import type { LabelLoopDatabase } from './database';
import type { AuditRecord } from './qaRecords';

export interface AuditLog {
  /** Newest first; entries of the same millisecond by id, last made first. */
  readonly entries: readonly AuditRecord[];
  /** Image id → file name, for the images entries name that are still in the project. */
  readonly fileNames: ReadonlyMap<string, string>;
}

/** Every entry of the project through the [projectId+at] index, and the names of the images they touch. */
export async function loadAuditLog(db: LabelLoopDatabase, projectId: ProjectId): Promise<AuditLog> {
  return db.transaction('r', [db.audit, db.images], async () => {
    const entries = await db.audit
      .where('[projectId+at]')
      .between([projectId, -Infinity], [projectId, Infinity])
      .reverse()
      .toArray();
    const imageIds = [...new Set(entries.flatMap((e) => (e.imageId === undefined ? [] : [e.imageId])))];
    const images = await db.images.bulkGet(imageIds);
    const fileNames = new Map<string, string>();
    for (const image of images) if (image) fileNames.set(image.id, image.fileName);
    return { entries, fileNames };
  });
}

/** What the audit screen filters by: core's filter plus a part of the image's file name. */
export interface AuditLogFilter extends AuditFilter {
  /** Case-insensitive, in the file name of the entry's image; entries without an image never match. */
  readonly imageName?: string;
}

/** The entries matching `filter`, in the log's order (filterAudit, then the file-name part). */
export function filterAuditLog(log: AuditLog, filter: AuditLogFilter): AuditRecord[] {
  const { imageName, ...rest } = filter;
  const matched = filterAudit(log.entries, rest) as AuditRecord[];
  const part = imageName?.trim().toLowerCase();
  if (part === undefined || part === '') return matched;
  // Match names once per image, not once per entry: 100,000 entries touch far fewer images.
  const images = new Set<ImageId>();
  for (const [id, name] of log.fileNames) if (name.toLowerCase().includes(part)) images.add(id as ImageId);
  return matched.filter((e) => e.imageId !== undefined && images.has(e.imageId));
}

/** Local-time bounds of day inputs ("2025-03-14"): from the first millisecond of `from` to the last of `to`. */
export function dayBounds(from: string, to: string): Pick<AuditFilter, 'from' | 'to'> {
  const start = (day: string) => {
    const [y, m, d] = day.split('-').map(Number);
    return new Date(y!, m! - 1, d!).getTime();
  };
  const valid = (day: string) => /^\d{4}-\d{2}-\d{2}$/.test(day);
  return {
    ...(valid(from) ? { from: start(from) } : {}),
    ...(valid(to) ? { to: start(to) + 24 * 60 * 60 * 1000 - 1 } : {}),
  };
}

/** "<project>-audit-<yyyy-mm-dd>.csv", the project's name made safe for a file name, the date local. */
export function auditFileName(projectName: string, format: 'csv' | 'json', now = Date.now()): string {
  const date = new Date(now);
  const day = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
  const safe = projectName.trim().replace(/[^\w.-]+/g, '_') || 'project';
  return `${safe}-audit-${day}.${format}`;
}

/** The file an export writes: CSV with people's names, or sorted JSON. */
export function auditExport(
  entries: readonly AuditRecord[],
  format: 'csv' | 'json',
  names: (user: string) => string,
): { text: string; mime: string } {
  return format === 'csv'
    ? { text: auditToCsv(entries, names), mime: 'text/csv' }
    : { text: auditToJson(entries), mime: 'application/json' };
}
