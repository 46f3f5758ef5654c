/**
 * COCO instances and keypoints files: reading (read.ts, entries assembled in assemble.ts, one object in
 * objects.ts), reading piece by piece (stream.ts) and writing (write.ts).
 */

export { MAX_COORDINATE } from './objects';
export { readCoco, readCocoText } from './read';
export { createCocoStreamReader, readCocoChunks, type CocoStreamReader } from './stream';
export { writeCoco, type CocoWriteOptions, type CocoWriteResult } from './write';
