/**
 * Opens one image full size and upright on a Konva stage: fit, 1:1, zoom to cursor, pan, next / previous.
 * Huge images are drawn from the host's tile pyramid (TiledImage) instead of being decoded whole.
 */

import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Image as KonvaImage, Layer, Stage } from 'react-konva';
import type Konva from 'konva';
import { displayPath, originalPath } from '../../../src/core/api/media';
import { NEEDS_DISPLAY_CONVERSION, type ImageRecord } from '../../../src/core/images/types';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import { needsTiles } from '../../../src/core/tiles/grid';
import { useServices } from '../app/services';
import { queryImages } from '../db/images';
import { formatBytes, formatCount } from '../format';
import { useUi } from '../state/ui';
import { TiledImage, type TilePaint } from './TiledImage';
import { actualSizeViewport, fitViewport, zoomAt, type Viewport } from './viewport';
import { Breadcrumb } from '../components/Breadcrumb';

type Loaded =
  | { image: ImageRecord; element: HTMLImageElement }
  | { image: ImageRecord; tiled: true }
  | { image: ImageRecord; error: string };

export function ImageViewer({ projectId, imageId }: { projectId: ProjectId; imageId: ImageId }) {
  const { api, db } = useServices();
  const navigate = useUi((s) => s.navigate);
  const gallery = useUi((s) => s.gallery);
  const viewOrder = useUi((s) => s.viewOrder);
  const containerRef = useRef<HTMLDivElement>(null);
  const layerRef = useRef<Konva.Layer>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [loaded, setLoaded] = useState<Loaded | null | undefined>(undefined);
  const [viewport, setViewport] = useState<Viewport>({ scale: 1, x: 0, y: 0 });
  const [drawn, setDrawn] = useState<string | null>(null);
  const [tilePaint, setTilePaint] = useState<TilePaint | null>(null);

  useLayoutEffect(() => {
    const element = containerRef.current;
    if (!element) return;
    const observer = new ResizeObserver(() =>
      setSize({ width: element.clientWidth, height: element.clientHeight }),
    );
    observer.observe(element);
    setSize({ width: element.clientWidth, height: element.clientHeight });
    return () => observer.disconnect();
  }, []);

  // Opened straight from a link or a reload: rebuild the gallery order for next / previous.
  useEffect(() => {
    if (viewOrder.length === 0)
      void queryImages(db, projectId, gallery).then((rows) =>
        useUi.getState().setViewOrder(rows.map((r) => r.id)),
      );
  }, [db, projectId, gallery, viewOrder.length]);

  useEffect(() => {
    let live = true;
    setDrawn(null);
    setTilePaint(null);
    void db.images.get(imageId).then((image) => {
      if (!live) return;
      if (!image || image.projectId !== projectId) return setLoaded(null);
      if (needsTiles(image)) return setLoaded({ image, tiled: true });
      const element = new window.Image();
      element.onload = () => live && setLoaded({ image, element });
      element.onerror = () =>
        live &&
        setLoaded({
          image,
          error: `The file cannot be shown: it was moved, deleted or changed since import (${image.path}).`,
        });
      const path = NEEDS_DISPLAY_CONVERSION.has(image.format)
        ? displayPath(image.rootId, image.relPath)
        : originalPath(image.rootId, image.relPath);
      element.src = api.mediaUrl(path);
    });
    return () => {
      live = false;
    };
  }, [api, db, imageId, projectId]);

  const element = loaded && 'element' in loaded ? loaded.element : null;
  const tiled = loaded && 'tiled' in loaded ? loaded.image : null;
  // The browser applies EXIF orientation when decoding, so natural size is the upright size; a tiled
  // image's record holds its upright size, which is the size of its pyramid's level 0.
  const naturalWidth = element?.naturalWidth ?? tiled?.width ?? 0;
  const naturalHeight = element?.naturalHeight ?? tiled?.height ?? 0;
  const shown = element ?? tiled;
  useEffect(() => {
    if (shown && size.width > 0)
      setViewport(fitViewport({ width: naturalWidth, height: naturalHeight }, size));
  }, [shown, naturalWidth, naturalHeight, size]);

  // Marked drawn once the tiles of some level cover the view (the coarsest comes first, from the overview).
  const onTilePaint = useCallback(
    (paint: TilePaint) => {
      // The previous image's tiles may still paint while the next one's record loads.
      if (paint.imageId !== imageId) return;
      setTilePaint((last) =>
        last?.level === paint.level && last.sharpest === paint.sharpest ? last : paint,
      );
      if (paint.sharpest !== undefined) setDrawn(imageId);
    },
    [imageId],
  );
  const onTileError = useCallback(
    (error: string) => setLoaded((last) => (last && 'tiled' in last ? { image: last.image, error } : last)),
    [],
  );

  useEffect(() => {
    const layer = layerRef.current;
    if (!layer || !element) return;
    const onDraw = () => setDrawn(imageId);
    layer.on('draw', onDraw);
    layer.batchDraw();
    return () => {
      layer.off('draw', onDraw);
    };
  }, [element, imageId]);

  const index = viewOrder.indexOf(imageId);
  const go = (step: number) => {
    const next = viewOrder[index + step];
    if (next) navigate({ page: 'image', projectId, imageId: next });
  };
  const fit = () => shown && setViewport(fitViewport({ width: naturalWidth, height: naturalHeight }, size));
  const actual = () =>
    shown && setViewport(actualSizeViewport({ width: naturalWidth, height: naturalHeight }, size));

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
      if (e.key === 'Escape') navigate({ page: 'project', projectId });
      else if (e.key === 'ArrowRight' || e.key === 'd') go(1);
      else if (e.key === 'ArrowLeft' || e.key === 'a') go(-1);
      else if (e.key === 'f') fit();
      else if (e.key === '1') actual();
      else if (e.key === '+' || e.key === '=')
        setViewport((v) => zoomAt(v, { x: size.width / 2, y: size.height / 2 }, 1.25));
      else if (e.key === '-') setViewport((v) => zoomAt(v, { x: size.width / 2, y: size.height / 2 }, 0.8));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const image = loaded?.image;
  return (
    <main className="page viewer-page" data-page="viewer">
      <header className="page-header">
        <Breadcrumb
          trail={[
            { label: 'Projects', route: { page: 'projects' } },
            { label: 'Gallery', route: { page: 'project', projectId } },
          ]}
          title={image?.fileName ?? '…'}
        />
        <div className="header-actions">
          <span className="muted">
            {index >= 0 ? `${formatCount(index + 1)} / ${formatCount(viewOrder.length)}` : ''}
          </span>
          <button type="button" onClick={() => go(-1)} disabled={index <= 0} title="Previous (←)">
            ← Prev
          </button>
          <button
            type="button"
            onClick={() => go(1)}
            disabled={index < 0 || index >= viewOrder.length - 1}
            title="Next (→)"
          >
            Next →
          </button>
          <button type="button" onClick={fit} title="Fit (F)">
            Fit
          </button>
          <button type="button" onClick={actual} title="Actual size (1)">
            1:1
          </button>
          <span className="zoom" data-testid="zoom">
            {Math.round(viewport.scale * 100)}%
          </span>
        </div>
      </header>
      <div className="viewer-body">
        <div
          ref={containerRef}
          className="viewer-canvas"
          data-drawn={drawn === imageId ? imageId : undefined}
          data-natural-width={naturalWidth || undefined}
          data-natural-height={naturalHeight || undefined}
          data-tiled={tiled ? 'true' : undefined}
          data-tile-level={tiled && tilePaint ? tilePaint.level : undefined}
          data-sharpest-level={tiled ? tilePaint?.sharpest : undefined}
        >
          {loaded === null && <p className="error">This image is not in this project.</p>}
          {loaded && 'error' in loaded && <p className="error">{loaded.error}</p>}
          {size.width > 0 && (
            <Stage
              width={size.width}
              height={size.height}
              x={viewport.x}
              y={viewport.y}
              scaleX={viewport.scale}
              scaleY={viewport.scale}
              draggable
              onDragMove={(e) => {
                // Tiles follow the view while it is dragged; a whole image needs no new pixels.
                if (tiled && e.target === e.target.getStage())
                  setViewport((v) => ({ ...v, x: e.target.x(), y: e.target.y() }));
              }}
              onDragEnd={(e) => {
                if (e.target === e.target.getStage())
                  setViewport((v) => ({ ...v, x: e.target.x(), y: e.target.y() }));
              }}
              onWheel={(e) => {
                e.evt.preventDefault();
                const stage = e.target.getStage();
                const pointer = stage?.getPointerPosition();
                if (!pointer) return;
                // Trackpad pinch arrives as ctrl+wheel with small deltas; a mouse wheel notch is ~100.
                const factor = Math.exp(-e.evt.deltaY * (e.evt.ctrlKey ? 0.01 : 0.0015));
                setViewport((v) => zoomAt(v, pointer, factor));
              }}
            >
              <Layer ref={layerRef}>
                {element && <KonvaImage image={element} listening={false} perfectDrawEnabled={false} />}
                {tiled && (
                  <TiledImage
                    key={tiled.id}
                    image={tiled}
                    viewport={viewport}
                    view={size}
                    onPaint={onTilePaint}
                    onError={onTileError}
                  />
                )}
              </Layer>
            </Stage>
          )}
        </div>
        {image && (
          <aside className="viewer-info" aria-label="Image details">
            <dl>
              <dt>Size</dt>
              <dd data-testid="image-size">
                {image.width} × {image.height}
              </dd>
              <dt>Format</dt>
              <dd>
                {image.format.toUpperCase()}, {image.bitDepth}-bit{image.hasAlpha ? ', alpha' : ''}
              </dd>
              <dt>EXIF orientation</dt>
              <dd>{image.orientation}</dd>
              <dt>File size</dt>
              <dd>{formatBytes(image.bytes)}</dd>
              <dt>Status</dt>
              <dd>{image.status}</dd>
              <dt>Path</dt>
              <dd className="path">{image.path}</dd>
              <dt>SHA-256</dt>
              <dd className="hash">{image.sha256}</dd>
            </dl>
          </aside>
        )}
      </div>
    </main>
  );
}
