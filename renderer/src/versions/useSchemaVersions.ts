/** Loads the annotation schemas of a few schema versions of a project, for class names and colours. */

import { useEffect, useState } from 'react';
import type { ProjectId } from '../../../src/core/ids';
import type { AnnotationSchema } from '../../../src/core/schema/types';
import { useServices } from '../app/services';

/** Schema by schema version number; versions still loading or no longer stored are absent. */
export function useSchemaVersions(
  projectId: ProjectId,
  versions: readonly (number | undefined)[],
): ReadonlyMap<number, AnnotationSchema> {
  const { db } = useServices();
  const [schemas, setSchemas] = useState<ReadonlyMap<number, AnnotationSchema>>(new Map());
  const key = [...new Set(versions.filter((v): v is number => v !== undefined))]
    .sort((a, b) => a - b)
    .join(',');
  useEffect(() => {
    const wanted = key === '' ? [] : key.split(',').map(Number);
    let live = true;
    void db.schemaVersions
      .bulkGet(wanted.map((version) => [projectId, version] as [ProjectId, number]))
      .then((records) => {
        if (!live) return;
        const loaded = new Map<number, AnnotationSchema>();
        for (const record of records) if (record) loaded.set(record.version, record.schema);
        setSchemas(loaded);
      });
    return () => {
      live = false;
    };
  }, [db, projectId, key]);
  return schemas;
}
