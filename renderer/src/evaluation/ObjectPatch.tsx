/** One object of a failure list as a picture: the region around it, the labelled box and the prediction drawn on it. */

import type { ApiClient } from '../../../src/core/api/contract';
import { displayPath, originalPath, thumbnailPath } from '../../../src/core/api/media';
import type { Box } from '../../../src/core/evaluation/types';
import { NEEDS_DISPLAY_CONVERSION } from '../../../src/core/images/types';
import { needsTiles } from '../../../src/core/tiles/grid';
import type { ObjectItem } from './session';

const SIZE = 168;

function imageUrl(api: ApiClient, image: ObjectItem['image']): { url: string; scale: number } {
  // Huge images are tiled in the editor; here their thumbnail (256 px on the long side) is enough.
  if (needsTiles(image))
    return {
      url: api.mediaUrl(thumbnailPath(image.sha256)),
      scale: 256 / Math.max(image.width, image.height),
    };
  const path = NEEDS_DISPLAY_CONVERSION.has(image.format)
    ? displayPath(image.rootId, image.relPath)
    : originalPath(image.rootId, image.relPath);
  return { url: api.mediaUrl(path), scale: 1 };
}

/** The square region shown: both boxes with a margin, at least 48 px, inside the image where it can be. */
function regionOf(boxes: readonly Box[], width: number, height: number) {
  const x0 = Math.min(...boxes.map((b) => b[0]));
  const y0 = Math.min(...boxes.map((b) => b[1]));
  const x1 = Math.max(...boxes.map((b) => b[0] + b[2]));
  const y1 = Math.max(...boxes.map((b) => b[1] + b[3]));
  const side = Math.max(48, (x1 - x0) * 1.3, (y1 - y0) * 1.3);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const left = Math.max(0, Math.min(cx - side / 2, width - side));
  const top = Math.max(0, Math.min(cy - side / 2, height - side));
  return { left, top, side };
}

export function ObjectPatch({
  api,
  item,
  tags,
  imageTags,
  onOpen,
  onTag,
}: {
  api: ApiClient;
  item: ObjectItem;
  tags: readonly string[];
  /** Tags on the whole image, shown apart from the object's. */
  imageTags: readonly string[];
  onOpen: (item: ObjectItem) => void;
  onTag: (item: ObjectItem) => void;
}) {
  const boxes = [item.gt?.box, item.pred?.box].filter((b): b is Box => b !== undefined);
  const { width, height } = item.image;
  const region = regionOf(boxes, width, height);
  const zoom = SIZE / region.side;
  const { url } = imageUrl(api, item.image);
  const place = (b: Box) => ({
    left: (b[0] - region.left) * zoom,
    top: (b[1] - region.top) * zoom,
    width: b[2] * zoom,
    height: b[3] * zoom,
  });
  const predicted = item.pred ? `${item.pred.className} ${item.pred.score.toFixed(2)}` : '';
  const title =
    item.gt && item.pred && item.gt.classId !== item.pred.classId
      ? `${item.gt.className} → ${predicted}`
      : item.pred
        ? predicted
        : `${item.gt?.className ?? ''} (missed)`;
  return (
    <figure
      className="object-patch"
      data-kind={item.kind}
      data-image={item.fileName}
      data-prediction={item.pred?.predictionId}
      data-annotation={item.gt?.annotationId}
    >
      <button
        type="button"
        className="patch-view"
        style={{ width: SIZE, height: SIZE }}
        onClick={() => onOpen(item)}
        title={`Open ${item.fileName} in the editor`}
      >
        <img
          src={url}
          alt=""
          loading="lazy"
          style={{
            left: -region.left * zoom,
            top: -region.top * zoom,
            width: width * zoom,
            height: height * zoom,
          }}
        />
        {item.gt && <span className="patch-box gt" style={place(item.gt.box)} />}
        {item.pred && <span className="patch-box pred" style={place(item.pred.box)} />}
      </button>
      <figcaption>
        <span className="patch-title">{title}</span>
        <span className="patch-detail">
          {item.reason}
          {item.iou > 0 ? ` · IoU ${item.iou.toFixed(2)}` : ''}
          {item.mistakenness !== undefined ? ` · ${item.mistakenness.toFixed(2)}` : ''}
        </span>
        <span className="patch-tags">
          {tags.map((tag) => (
            <span key={tag} className="chip">
              {tag}
            </span>
          ))}
          {imageTags.map((tag) => (
            <span key={`image-${tag}`} className="chip image-tag" title="a tag on the whole image">
              image: {tag}
            </span>
          ))}
          <button type="button" className="link" onClick={() => onTag(item)} aria-label={`Tag ${title}`}>
            + tag
          </button>
        </span>
      </figcaption>
    </figure>
  );
}
