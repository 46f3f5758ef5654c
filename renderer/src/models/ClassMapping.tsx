/**
 * Model classes → schema classes, remembered per project and model. A class of the same name maps by
 * default; "Ignore" drops that class's results and the run counts them.
 */

import { useEffect, useState } from 'react';
import type { ModelCard } from '../../../src/core/inference/card';
import type { ProjectId } from '../../../src/core/ids';
import { defaultClassMap } from '../../../src/core/predictions/fromModel';
import type { LabelClass } from '../../../src/core/schema/types';
import { useServices } from '../app/services';
import { ClassSelect } from '../components/ClassSelect';

/** The class names a model's results carry: a text detector's are all "text". */
export const modelLabels = (card: ModelCard): string[] =>
  card.task === 'text-detect' ? ['text'] : card.task === 'embed' ? [] : [...card.classes];

const settingKey = (projectId: ProjectId, sha256: string) => `modelClassMap:${projectId}:${sha256}`;

/** The mapping in use, and a setter that also saves it for the next run of this model in this project. */
export function useClassMap(
  projectId: ProjectId,
  sha256: string | undefined,
  labels: readonly string[],
  classes: readonly LabelClass[],
): [Record<string, string | null> | null, (map: Record<string, string | null>) => void] {
  const { db } = useServices();
  // Kept with the model it belongs to: right after switching models, the previous model's map is no map.
  const [loaded, setLoaded] = useState<{ sha256: string; map: Record<string, string | null> } | null>(null);
  useEffect(() => {
    if (!sha256) return;
    let live = true;
    void db.settings.get(settingKey(projectId, sha256)).then((row) => {
      const saved = (row?.value ?? {}) as Record<string, string | null>;
      if (live) setLoaded({ sha256, map: defaultClassMap(labels, classes, saved) });
    });
    return () => {
      live = false;
    };
  }, [db, projectId, sha256, labels, classes]);
  const update = (next: Record<string, string | null>) => {
    if (!sha256) return;
    setLoaded({ sha256, map: next });
    void db.settings.put({ key: settingKey(projectId, sha256), value: next });
  };
  return [loaded && loaded.sha256 === sha256 ? loaded.map : null, update];
}

export function ClassMapping({
  labels,
  classes,
  value,
  onChange,
}: {
  labels: readonly string[];
  classes: readonly LabelClass[];
  value: Readonly<Record<string, string | null>>;
  onChange: (map: Record<string, string | null>) => void;
}) {
  const [showAll, setShowAll] = useState(false);
  if (labels.length === 0) return null;
  const mapped = labels.filter((label) => value[label]);
  const SHOWN = 12;
  // Mapped classes first: with 80 COCO classes and a 3-class schema, those are the ones to check.
  const ordered = [...mapped, ...labels.filter((label) => !value[label])];
  const shown = showAll ? ordered : ordered.slice(0, Math.max(SHOWN, mapped.length));
  const drawable = classes.filter((c) => c.geometries.length > 0);
  return (
    <fieldset className="class-mapping">
      <legend>
        Class mapping: {mapped.length} of {labels.length} model classes mapped; the rest are ignored and
        counted
      </legend>
      <table className="data-table" aria-label="Class mapping">
        <thead>
          <tr>
            <th>Model class</th>
            <th>Schema class</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((label) => (
            <tr key={label}>
              <td>{label}</td>
              <td>
                <ClassSelect
                  label={`Map ${label}`}
                  value={value[label] ?? null}
                  classes={drawable}
                  noneLabel="Ignore"
                  onChange={(classId) => onChange({ ...value, [label]: classId })}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {ordered.length > shown.length && (
        <button type="button" className="link" onClick={() => setShowAll(true)}>
          Show all {labels.length} model classes
        </button>
      )}
    </fieldset>
  );
}
