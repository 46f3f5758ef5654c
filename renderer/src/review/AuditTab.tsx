/**
 * The audit log: every entry of the project, newest first, loaded once and filtered in memory (100,000
 * entries stay responsive), with before/after per entry and CSV/JSON export of what the filters show.
 */

import { useVirtualizer } from '@tanstack/react-virtual';
import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import { displayName } from '../../../src/core/qa/people';
import { useServices } from '../app/services';
import {
  auditExport,
  auditFileName,
  dayBounds,
  filterAuditLog,
  loadAuditLog,
  type AuditLog,
  type AuditLogFilter,
} from '../db/auditLog';
import type { AuditRecord } from '../db/qaRecords';
import { formatCount } from '../format';
import { useUi } from '../state/ui';
import { downloadText } from './download';
import { useReviewContext } from './useReviewContext';
import './sampling.css';

const ACTION_GROUPS: readonly (readonly [string, string])[] = [
  ['annotation.', 'Annotations'],
  ['image.', 'Images'],
  ['review.', 'Reviews'],
  ['comment.', 'Comments'],
  ['bundle.', 'Bundles'],
  ['sampling.', 'Acceptance sampling'],
  ['prediction.', 'Predictions'],
];

const ROW_HEIGHT = 30;

const formatTime = (at: number): string =>
  new Date(at).toLocaleString('en', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });

export function AuditTab({ projectId }: { projectId: ProjectId }) {
  const { db } = useServices();
  const navigate = useUi((s) => s.navigate);
  const dataVersion = useUi((s) => s.dataVersion);
  const { users, nameOf } = useReviewContext(projectId);
  const [log, setLog] = useState<AuditLog | null>(null);
  const [projectName, setProjectName] = useState('project');
  const [error, setError] = useState<string | null>(null);
  const [user, setUser] = useState('');
  const [group, setGroup] = useState('');
  const [imageName, setImageName] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [text, setText] = useState('');
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());

  useEffect(() => {
    let live = true;
    void loadAuditLog(db, projectId).then(
      (loaded) => live && setLog(loaded),
      (e: Error) => live && setError(e.message),
    );
    void db.projects.get(projectId).then((p) => live && p && setProjectName(p.name));
    return () => {
      live = false;
    };
  }, [db, projectId, dataVersion]);

  // Typing stays immediate; the filtering of a large log follows a moment later.
  const filter = useDeferredValue<AuditLogFilter>(
    useMemo(
      () => ({
        ...(user === '' ? {} : { user }),
        ...(group === '' ? {} : { actionPrefix: group }),
        ...(imageName.trim() === '' ? {} : { imageName }),
        ...dayBounds(from, to),
        ...(text.trim() === '' ? {} : { text }),
      }),
      [user, group, imageName, from, to, text],
    ),
  );
  const shown = useMemo(() => (log ? filterAuditLog(log, filter) : []), [log, filter]);
  // People in the log, including ids with no profile (older labels, imports), by name.
  const logUsers = useMemo(() => new Set((log?.entries ?? []).map((entry) => entry.user)), [log]);
  const people = useMemo(() => {
    const ids = new Set<string>([...users.keys(), ...logUsers]);
    const name = (id: string) => displayName(id, users);
    return [...ids].sort((a, b) => name(a).localeCompare(name(b)));
  }, [logUsers, users]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (index) => shown[index]!.id,
  });

  const openImage = (imageId: ImageId) => {
    useUi.getState().setFocus({
      imageId,
      back: { label: 'Audit log', route: { page: 'qa', projectId, tab: 'audit' } },
    });
    navigate({ page: 'image', projectId, imageId });
  };
  const exportAs = (format: 'csv' | 'json') => {
    const file = auditExport(shown, format, nameOf);
    downloadText(auditFileName(projectName, format), file.text, file.mime);
  };
  const toggle = (id: string) =>
    setExpanded((open) => {
      const next = new Set(open);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const clear = () => {
    setUser('');
    setGroup('');
    setImageName('');
    setFrom('');
    setTo('');
    setText('');
  };

  if (error) return <p className="error">{error}</p>;
  if (!log) return <p className="muted">Loading the audit log…</p>;
  return (
    <div className="audit" data-testid="audit-tab">
      <div className="audit-filters" role="search" aria-label="Filter the audit log">
        <select
          aria-label="User"
          data-testid="audit-filter-user"
          value={user}
          onChange={(e) => setUser(e.target.value)}
        >
          <option value="">Everyone</option>
          {people.map((id) => (
            <option key={id} value={id}>
              {nameOf(id)}
            </option>
          ))}
        </select>
        <select
          aria-label="Action"
          data-testid="audit-filter-action"
          value={group}
          onChange={(e) => setGroup(e.target.value)}
        >
          <option value="">All actions</option>
          {ACTION_GROUPS.map(([prefix, label]) => (
            <option key={prefix} value={prefix}>
              {label}
            </option>
          ))}
        </select>
        <input
          type="search"
          aria-label="Image name contains"
          placeholder="Image name contains"
          data-testid="audit-filter-image"
          value={imageName}
          onChange={(e) => setImageName(e.target.value)}
        />
        <label className="small">
          From{' '}
          <input
            type="date"
            aria-label="From day"
            data-testid="audit-filter-from"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
          />
        </label>
        <label className="small">
          To{' '}
          <input
            type="date"
            aria-label="To day"
            data-testid="audit-filter-to"
            value={to}
            onChange={(e) => setTo(e.target.value)}
          />
        </label>
        <input
          type="search"
          aria-label="Search summaries"
          placeholder="Search summaries"
          data-testid="audit-filter-text"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="button" onClick={clear}>
          Clear filters
        </button>
        <span className="muted small" data-testid="audit-count">
          {formatCount(shown.length)} of {formatCount(log.entries.length)} entries
        </span>
        <span className="audit-export">
          <button
            type="button"
            data-testid="audit-export-csv"
            disabled={shown.length === 0}
            onClick={() => exportAs('csv')}
          >
            Export CSV
          </button>
          <button
            type="button"
            data-testid="audit-export-json"
            disabled={shown.length === 0}
            onClick={() => exportAs('json')}
          >
            Export JSON
          </button>
        </span>
      </div>
      <div className="audit-head" aria-hidden="true">
        <span>Time</span>
        <span>User</span>
        <span>Action</span>
        <span>Image</span>
        <span>Object</span>
        <span>Summary</span>
        <span />
      </div>
      <div ref={scrollRef} className="audit-rows" role="table" aria-label="Audit entries">
        {shown.length === 0 ? (
          <p className="muted audit-empty">
            {log.entries.length === 0
              ? 'Nothing has been recorded in this project yet.'
              : 'No entry matches.'}
          </p>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }} role="rowgroup">
            {virtualizer.getVirtualItems().map((item) => {
              const entry = shown[item.index]!;
              return (
                <div
                  key={item.key}
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                  className="audit-slot"
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  <AuditRow
                    entry={entry}
                    userName={nameOf(entry.user)}
                    fileName={entry.imageId === undefined ? undefined : log.fileNames.get(entry.imageId)}
                    expanded={expanded.has(entry.id)}
                    onToggle={() => toggle(entry.id)}
                    onOpen={openImage}
                  />
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}

function AuditRow({
  entry,
  userName,
  fileName,
  expanded,
  onToggle,
  onOpen,
}: {
  entry: AuditRecord;
  userName: string;
  /** Undefined when the entry names no image or the image has left the project. */
  fileName: string | undefined;
  expanded: boolean;
  onToggle: () => void;
  onOpen: (imageId: ImageId) => void;
}) {
  return (
    <div className="audit-entry" role="row" data-testid="audit-row" data-action={entry.action}>
      <div className="audit-line">
        <span role="cell" className="audit-time">
          {formatTime(entry.at)}
        </span>
        <span role="cell" title={entry.user}>
          {userName}
        </span>
        <span role="cell" className="audit-action">
          {entry.action}
        </span>
        <span role="cell">
          {entry.imageId === undefined ? (
            ''
          ) : fileName === undefined ? (
            <span className="muted" title={entry.imageId}>
              removed image
            </span>
          ) : (
            <button
              type="button"
              className="link"
              data-testid="audit-open-image"
              title={`Open ${fileName} in the editor`}
              onClick={() => onOpen(entry.imageId!)}
            >
              {fileName}
            </button>
          )}
        </span>
        <span role="cell" className="audit-annotation" title={entry.annotationId}>
          {entry.annotationId?.slice(0, 8) ?? ''}
        </span>
        <span role="cell" className="audit-summary" title={entry.summary}>
          {entry.summary}
        </span>
        <span role="cell">
          <button
            type="button"
            className="link"
            aria-expanded={expanded}
            data-testid="audit-toggle-details"
            onClick={onToggle}
          >
            {expanded ? 'Hide' : 'Details'}
          </button>
        </span>
      </div>
      {expanded && (
        <div className="audit-details" data-testid="audit-details">
          <div>
            <h4>Before</h4>
            <pre>
              {entry.before === null || entry.before === undefined
                ? '—'
                : JSON.stringify(entry.before, null, 2)}
            </pre>
          </div>
          <div>
            <h4>After</h4>
            <pre>
              {entry.after === null || entry.after === undefined ? '—' : JSON.stringify(entry.after, null, 2)}
            </pre>
          </div>
          <p className="muted small">
            Origin {entry.origin} · entry {entry.id}
          </p>
        </div>
      )}
    </div>
  );
}
