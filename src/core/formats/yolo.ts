/** YOLO datasets (Ultralytics detect, segment, pose and OBB): pure readers and a writer; the host reads and writes the files. */

export { readYoloConfig, type YoloConfig, type YoloSplit } from './yolo/config';
export {
  readYoloLabels,
  YOLO_TOLERANCE,
  type YoloLabels,
  type YoloLabelsContext,
  type YoloTask,
} from './yolo/labels';
export { writeYolo, type YoloExport, type YoloWriteOptions } from './yolo/write';
