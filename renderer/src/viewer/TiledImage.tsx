/**
 * Draws a huge image from its tile pyramid: the import thumbnail at once, then the coarse levels, then the
 * tiles the zoom wants, all in one Konva shape (one pass, no node per tile) at their image-space places.
 */

import { useEffect, useMemo, useRef, useState } from 'react';
import { Shape } from 'react-konva';
import type Konva from 'konva';
import { thumbnailPath, tilePath } from '../../../src/core/api/media';
import type { ImageRecord } from '../../../src/core/images/types';
import { pyramidLevels, tileFormatFor, tileImageRect } from '../../../src/core/tiles/grid';
import { useServices } from '../app/services';
import { createTileImages, type TileImages } from './tileImages';
import { planTiles, tileKey } from './tilePlan';
import type { Viewport } from './viewport';

export interface TilePaint {
  readonly imageId: ImageRecord['id'];
  /** The level the zoom wants. */
  readonly level: number;
  /** The finest level whose visible tiles were all painted; undefined while not even the coarsest was. */
  readonly sharpest: number | undefined;
}

export function TiledImage({
  image,
  viewport,
  view,
  onPaint,
  onError,
}: {
  image: ImageRecord;
  viewport: Viewport;
  view: { width: number; height: number };
  onPaint: (paint: TilePaint) => void;
  onError: (message: string) => void;
}) {
  const { api } = useServices();
  const shapeRef = useRef<Konva.Shape>(null);
  const levels = useMemo(() => pyramidLevels(image), [image]);
  // Made in an effect, not a memo, so StrictMode's unmount-and-remount gets a fresh loader, not a disposed one.
  const [tiles, setTiles] = useState<TileImages>();
  const thumbnail = useMemo(() => {
    const element = new window.Image();
    element.src = api.mediaUrl(thumbnailPath(image.sha256));
    return element;
  }, [api, image.sha256]);
  const pixelRatio = window.devicePixelRatio || 1;
  const plan = useMemo(
    () => planTiles(levels, viewport, view, pixelRatio),
    [levels, viewport, view, pixelRatio],
  );

  useEffect(() => {
    const created = createTileImages();
    setTiles(created);
    return () => created.dispose();
  }, []);

  useEffect(() => {
    const redraw = () => shapeRef.current?.getLayer()?.batchDraw();
    thumbnail.addEventListener('load', redraw);
    const unsubscribe = tiles?.subscribe(() => {
      redraw();
      const top = tileKey({ level: levels.length - 1, column: 0, row: 0 });
      if (tiles.failed(top))
        onError(`The file cannot be shown: it was moved, deleted or changed since import (${image.path}).`);
    });
    return () => {
      thumbnail.removeEventListener('load', redraw);
      unsubscribe?.();
    };
  }, [tiles, thumbnail, levels, image.path, onError]);

  useEffect(() => {
    const format = tileFormatFor(image.hasAlpha);
    tiles?.want(
      plan.wanted.map((tile) => ({
        key: tileKey(tile),
        url: api.mediaUrl(tilePath(image.rootId, image.relPath, tile, format)),
      })),
    );
  }, [api, tiles, plan, image.rootId, image.relPath, image.hasAlpha]);

  return (
    <Shape
      ref={shapeRef}
      listening={false}
      perfectDrawEnabled={false}
      sceneFunc={(context, shape) => {
        // Snap tile edges to whole screen pixels from the stage's live transform (it moves while dragged),
        // so neighbouring tiles share an edge exactly and no hairline seam shows between them.
        const stage = shape.getStage();
        const scale = stage?.scaleX() ?? viewport.scale;
        const ox = stage?.x() ?? viewport.x;
        const oy = stage?.y() ?? viewport.y;
        const snapX = (x: number) => (Math.round(ox + x * scale) - ox) / scale;
        const snapY = (y: number) => (Math.round(oy + y * scale) - oy) / scale;
        const paint = (element: CanvasImageSource, x: number, y: number, width: number, height: number) => {
          const left = snapX(x);
          const top = snapY(y);
          context.drawImage(element, left, top, snapX(x + width) - left, snapY(y + height) - top);
        };
        if (thumbnail.complete && thumbnail.naturalWidth > 0)
          paint(thumbnail, 0, 0, image.width, image.height);
        let sharpest: number | undefined;
        plan.layers.forEach((layer, index) => {
          let complete = true;
          for (const tile of layer) {
            const element = tiles?.get(tileKey(tile));
            if (!element) {
              complete = false;
              continue;
            }
            const rect = tileImageRect(levels, tile);
            paint(element, rect.x, rect.y, rect.width, rect.height);
          }
          // Layers run from the one-tile level down to the wanted one.
          if (complete) sharpest = levels.length - 1 - index;
        });
        onPaint({ imageId: image.id, level: plan.level, sharpest });
      }}
    />
  );
}
