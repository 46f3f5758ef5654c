/** Messages between the Data quality screen and its worker. */

import type { ImageId, ProjectId } from '../../../src/core/ids';
import type { RunId } from '../../../src/core/predictions/types';
import type { ImageField, ObjectField, RowQuery } from './qualityRows';

export type QualityWorkerRequest =
  | { id: number; op: 'load'; projectId: ProjectId; mistakennessRun?: RunId }
  | { id: number; op: 'images'; query: RowQuery<ImageField | 'fileName'> }
  | { id: number; op: 'objects'; query: RowQuery<ObjectField | 'className' | 'fileName'> }
  | { id: number; op: 'allObjects' }
  | { id: number; op: 'histogram'; of: 'images' | 'objects'; field: string }
  | { id: number; op: 'similar'; imageId: ImageId; k: number }
  | { id: number; op: 'hard'; runId: RunId; otherRunId?: RunId };
