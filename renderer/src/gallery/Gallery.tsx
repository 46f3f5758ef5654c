/** A virtualized thumbnail grid: only visible rows exist in the DOM, so 100,000 images scroll smoothly. */

import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { thumbnailPath } from '../../../src/core/api/media';
import type { ImageRecord } from '../../../src/core/images/types';
import type { ImageId } from '../../../src/core/ids';
import { useServices } from '../app/services';
import { useUi } from '../state/ui';
import { nextSelection } from './selection';

const CELL_WIDTH = 184;
const CELL_HEIGHT = 208;
const GAP = 8;

const Thumbnail = memo(function Thumbnail({
  image,
  index,
  selected,
  focused,
  onPointer,
  onOpen,
}: {
  image: ImageRecord;
  index: number;
  selected: boolean;
  focused: boolean;
  onPointer: (index: number, shift: boolean, ctrl: boolean) => void;
  onOpen: (id: ImageId) => void;
}) {
  const { api } = useServices();
  return (
    <div
      className={`thumb${selected ? ' selected' : ''}${focused ? ' focused' : ''}`}
      role="gridcell"
      aria-selected={selected}
      data-file={image.fileName}
      data-image-id={image.id}
      onMouseDown={(e) => {
        e.preventDefault();
        onPointer(index, e.shiftKey, e.ctrlKey || e.metaKey);
      }}
      onDoubleClick={() => onOpen(image.id)}
      title={image.relPath}
    >
      <div className="thumb-image">
        <img
          src={api.mediaUrl(thumbnailPath(image.sha256))}
          alt={image.fileName}
          loading="lazy"
          draggable={false}
        />
      </div>
      <div className="thumb-caption">
        <span className="thumb-name">{image.fileName}</span>
        <span className={`status status-${image.status}`}>{image.status}</span>
      </div>
    </div>
  );
});

/**
 * `images` may be a prefix of the view while the rest loads; `total` sizes the grid, and cells not yet
 * loaded show as placeholders.
 */
export function Gallery({
  images,
  total = images.length,
  onOpen,
}: {
  images: readonly ImageRecord[];
  total?: number;
  onOpen: (id: ImageId) => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const selection = useUi((s) => s.selection);
  const setSelection = useUi((s) => s.setSelection);

  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    setWidth(element.clientWidth);
    return () => observer.disconnect();
  }, []);

  const columns = Math.max(1, Math.floor((width - GAP) / (CELL_WIDTH + GAP)));
  const count = Math.max(total, images.length);
  const rows = Math.ceil(count / columns);
  const ids = useMemo(() => images.map((image) => image.id), [images]);
  const idsRef = useRef(ids);
  idsRef.current = ids;
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => CELL_HEIGHT + GAP,
    overscan: 4,
  });

  const cursor = Math.min(selection.cursor, Math.max(0, images.length - 1));
  useEffect(() => {
    if (images.length > 0) virtualizer.scrollToIndex(Math.floor(cursor / columns));
  }, [cursor, columns, images.length, virtualizer]);

  // Stable across renders, so memoized thumbnails do not re-render while scrolling.
  const onPointer = useCallback(
    (index: number, shift: boolean, ctrl: boolean) => {
      scrollRef.current?.focus();
      const next = nextSelection(
        useUi.getState().selection,
        { kind: 'click', index, shift, ctrl },
        idsRef.current,
      );
      if (next) setSelection(next);
    },
    [setSelection],
  );

  return (
    <div
      ref={scrollRef}
      className="gallery"
      role="grid"
      aria-label="Images"
      aria-rowcount={rows}
      tabIndex={0}
      data-count={count}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          const id = ids[cursor];
          if (id) onOpen(id);
          return;
        }
        const pageRows = Math.max(
          1,
          Math.floor((scrollRef.current?.clientHeight ?? 0) / (CELL_HEIGHT + GAP)),
        );
        const next = nextSelection(
          selection,
          { kind: 'key', key: e.key, shift: e.shiftKey, ctrl: e.ctrlKey || e.metaKey, columns, pageRows },
          ids,
        );
        if (next) {
          e.preventDefault();
          setSelection(next);
        }
      }}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((row) => (
          <div
            key={row.key}
            className="gallery-row"
            role="row"
            style={{ transform: `translateY(${row.start}px)`, gap: GAP, paddingLeft: GAP }}
          >
            {Array.from({ length: Math.min(columns, count - row.index * columns) }, (_, offset) => {
              const index = row.index * columns + offset;
              const image = images[index];
              if (!image) return <div key={`pending-${index}`} className="thumb pending" aria-busy="true" />;
              return (
                <Thumbnail
                  key={image.id}
                  image={image}
                  index={index}
                  selected={selection.ids.has(image.id)}
                  focused={index === cursor}
                  onPointer={onPointer}
                  onOpen={onOpen}
                />
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}
