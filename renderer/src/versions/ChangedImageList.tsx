/**
 * The images a diff touches, one row each saying what changed, virtualized (a diff can hold 100,000
 * images); a row whose image is still in the project opens it in the editor.
 */

import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import type { ImageId } from '../../../src/core/ids';
import { formatCount } from '../format';
import type { ClassInfo } from './classes';
import { describeRow, filterRows, type AnnotationsByImage, type ImageRow, type RowFilter } from './diffRows';

const ROW_ESTIMATE = 46;

export function ChangedImageList({
  rows,
  annotations,
  classOf,
  existing,
  onOpen,
}: {
  rows: readonly ImageRow[];
  annotations: AnnotationsByImage;
  classOf: (id: string) => ClassInfo;
  /** Images still in the project; null while loading (nothing opens until it is known). */
  existing: ReadonlySet<ImageId> | null;
  onOpen: (imageId: ImageId) => void;
}) {
  const [kind, setKind] = useState<RowFilter>('all');
  const [text, setText] = useState('');
  const shown = useMemo(() => filterRows(rows, kind, text), [rows, kind, text]);
  const kinds = useMemo(() => {
    const counts = { added: 0, removed: 0, changed: 0 };
    for (const row of rows) counts[row.kind]++;
    return counts;
  }, [rows]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_ESTIMATE,
    overscan: 8,
  });

  return (
    <section className="changed-images" aria-label="Changed images">
      <div className="toolbar">
        <h3>Images</h3>
        <select aria-label="Show images" value={kind} onChange={(e) => setKind(e.target.value as RowFilter)}>
          <option value="all">All ({formatCount(rows.length)})</option>
          <option value="added">Added ({formatCount(kinds.added)})</option>
          <option value="removed">Removed ({formatCount(kinds.removed)})</option>
          <option value="changed">Changed ({formatCount(kinds.changed)})</option>
        </select>
        <input
          type="search"
          aria-label="Filter images by path"
          placeholder="Filter by path"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <span className="muted small" data-testid="changed-image-count">
          {formatCount(shown.length)} image{shown.length === 1 ? '' : 's'}
        </span>
      </div>
      <div ref={scrollRef} className="diff-rows" role="list" aria-label="Images that differ">
        {shown.length === 0 ? (
          <p className="muted diff-rows-empty">
            {rows.length === 0 ? 'No image differs between these versions.' : 'No image matches.'}
          </p>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = shown[item.index]!;
              const openable = existing?.has(row.imageId) ?? false;
              return (
                <div
                  key={row.imageId}
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                  className="diff-row-slot"
                  style={{ transform: `translateY(${item.start}px)` }}
                  role="listitem"
                >
                  <DiffRow
                    row={row}
                    parts={describeRow(row, annotations, classOf)}
                    openable={openable}
                    onOpen={onOpen}
                  />
                </div>
              );
            })}
          </div>
        )}
      </div>
    </section>
  );
}

function DiffRow({
  row,
  parts,
  openable,
  onOpen,
}: {
  row: ImageRow;
  parts: ReturnType<typeof describeRow>;
  openable: boolean;
  onOpen: (imageId: ImageId) => void;
}) {
  const content = (
    <>
      <span className={`kind-badge kind-${row.kind}`}>{row.kind}</span>
      <span className="diff-path" title={row.path}>
        {row.path}
      </span>
      <span className="diff-split">{row.split}</span>
      <span className="diff-parts">
        {parts.map((part, index) => (
          <span key={index} className={`diff-part ${part.tone}`}>
            {part.text}
          </span>
        ))}
      </span>
      <span className="diff-open">{openable ? 'Open ›' : 'not in project'}</span>
    </>
  );
  return openable ? (
    <button
      type="button"
      className="diff-row"
      data-image={row.imageId}
      data-path={row.path}
      data-kind={row.kind}
      title={`Open ${row.path} in the editor`}
      onClick={() => onOpen(row.imageId)}
    >
      {content}
    </button>
  ) : (
    <div
      className="diff-row not-openable"
      data-image={row.imageId}
      data-path={row.path}
      data-kind={row.kind}
      title="This image is no longer in the project"
    >
      {content}
    </div>
  );
}
