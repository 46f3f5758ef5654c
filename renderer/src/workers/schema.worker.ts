/** Heavy schema work off the UI thread: validate a project, preview and apply changes, undo. */

import { openDatabase } from '../db/database';
import {
  applySchemaChange,
  previewSchemaChange,
  undoLastSchemaChange,
  validateProjectAnnotations,
} from '../db/schemas';
import type { SchemaWorkerRequest } from './schemaProtocol';
import { answerRequests } from './rpc';

const db = openDatabase();

const run = (request: SchemaWorkerRequest): Promise<unknown> => {
  switch (request.op) {
    case 'validate':
      return validateProjectAnnotations(db, request.projectId, request.maxStored);
    case 'preview':
      return previewSchemaChange(db, request.projectId, request.change);
    case 'apply':
      return applySchemaChange(db, request.projectId, request.change, request.author);
    case 'undo':
      return undoLastSchemaChange(db, request.projectId);
  }
};

answerRequests(run);
