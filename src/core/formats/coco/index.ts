/** COCO instances and keypoints files: reading (read.ts, one object in objects.ts) and writing (write.ts). */

export { MAX_COORDINATE } from './objects';
export { readCoco, readCocoText } from './read';
export { writeCoco, type CocoWriteOptions, type CocoWriteResult } from './write';
