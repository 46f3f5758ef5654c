/** Media paths: how the renderer names an original, a display copy, a thumbnail or a tile; both transports serve them. */

import type { ContentHash, RootId } from '../ids';
import { TILE_EXTENSIONS, type TileCoord, type TileFormat } from '../tiles/grid';

const encodeRelPath = (relPath: string): string => relPath.split('/').map(encodeURIComponent).join('/');

/** `files/<rootId>/<each segment percent-encoded>`; the host re-checks every segment. */
export const originalPath = (rootId: RootId, relPath: string): string =>
  `files/${encodeURIComponent(rootId)}/${encodeRelPath(relPath)}`;

/** An upright PNG rendition for formats the browser cannot paint (TIFF). */
export const displayPath = (rootId: RootId, relPath: string): string =>
  `display/${encodeURIComponent(rootId)}/${encodeRelPath(relPath)}`;

export const thumbnailPath = (hash: ContentHash): string => `cache/thumbs/${hash}.webp`;

/**
 * One tile of an image's upright pyramid (src/core/tiles/grid.ts):
 * `cache/tiles/<rootId>/<level>/<column>_<row>.<jpg|webp>/<each segment of the file's path>`.
 * It lives under `cache/` because both transports already route that prefix to the media resolver.
 */
export const tilePath = (rootId: RootId, relPath: string, tile: TileCoord, format: TileFormat): string =>
  `cache/tiles/${encodeURIComponent(rootId)}/${tile.level}/${tile.column}_${tile.row}.${TILE_EXTENSIONS[format]}/${encodeRelPath(relPath)}`;

export type MediaRequest =
  | { kind: 'original' | 'display'; rootId: string; segments: string[] }
  | { kind: 'thumbnail'; hash: string }
  | {
      kind: 'tile';
      rootId: string;
      segments: string[];
      level: number;
      column: number;
      row: number;
      format: TileFormat;
    };

/** Plain decimal numbers without leading zeros, so one tile has exactly one path. */
const LEVEL = /^(0|[1-9][0-9]?)$/;
const TILE_NAME = /^(0|[1-9][0-9]{0,6})_(0|[1-9][0-9]{0,6})\.(jpg|webp)$/;

export type MediaParse =
  { ok: true; request: MediaRequest } | { ok: false; status: 400 | 403 | 404; reason: string };

/**
 * Parses a media path (already split from any query) into a request, refusing traversal before any
 * file-system access: `..` and `.` segments, empty segments, encoded separators, backslashes, NUL and
 * drive letters are all refused, whether written plainly or percent-encoded (`%2e%2e`).
 */
export const parseMediaPath = (rawPath: string): MediaParse => {
  const parts = rawPath.replace(/^\/+/, '').split('/');
  const decoded: string[] = [];
  for (const part of parts) {
    let segment: string;
    try {
      segment = decodeURIComponent(part);
    } catch {
      return { ok: false, status: 400, reason: 'malformed percent-encoding' };
    }
    if (segment === '' || segment === '.' || segment === '..')
      return { ok: false, status: 403, reason: 'path segments may not be empty, "." or ".."' };
    if (/[/\\\0]/.test(segment) || /^[a-zA-Z]:/.test(segment))
      return { ok: false, status: 403, reason: 'path segments may not contain separators or drive letters' };
    decoded.push(segment);
  }
  const [head, second, ...rest] = decoded;
  if ((head === 'files' || head === 'display') && second !== undefined && rest.length > 0)
    return {
      ok: true,
      request: { kind: head === 'files' ? 'original' : 'display', rootId: second, segments: rest },
    };
  if (head === 'cache' && second === 'tiles') {
    const [rootId, level, name, ...segments] = rest;
    const tile = TILE_NAME.exec(name ?? '');
    if (rootId !== undefined && LEVEL.test(level ?? '') && tile && segments.length > 0)
      return {
        ok: true,
        request: {
          kind: 'tile',
          rootId,
          segments,
          level: Number(level),
          column: Number(tile[1]),
          row: Number(tile[2]),
          format: tile[3] === 'webp' ? 'webp' : 'jpeg',
        },
      };
  }
  if (head === 'cache' && second === 'thumbs' && rest.length === 1) {
    const match = /^([0-9a-f]{64})\.webp$/.exec(rest[0] ?? '');
    if (match?.[1]) return { ok: true, request: { kind: 'thumbnail', hash: match[1] } };
  }
  return { ok: false, status: 404, reason: 'no such media' };
};
