/** JSON pointers (RFC 6901) into a schema document, and the parsed values they name. */

export const escapeSegment = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');
const unescapeSegment = (segment: string): string => segment.replace(/~1/g, '/').replace(/~0/g, '~');
export const splitPointer = (pointer: string): string[] =>
  pointer === '' ? [] : pointer.slice(1).split('/').map(unescapeSegment);
export const pointerOf = (...segments: readonly (string | number)[]): string =>
  segments.map((segment) => `/${escapeSegment(String(segment))}`).join('');

export type JsonObject = Readonly<Record<string, unknown>>;

export const isRecord = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const childOf = (node: unknown, segment: string): unknown =>
  Array.isArray(node) ? (node as unknown[])[Number(segment)] : isRecord(node) ? node[segment] : undefined;

export const valueAt = (root: unknown, pointer: string): unknown =>
  splitPointer(pointer).reduce<unknown>(childOf, root);
