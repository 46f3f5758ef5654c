/**
 * The objects behind the numbers, as a grid of patches: false positives (most confident first: likely
 * missing labels), false negatives, confusions, poor localization, duplicates, label errors; filtered by
 * class, confusion cell or score bin; tagged; one click from the editor.
 */

import { useEffect, useState } from 'react';
import type { ApiClient } from '../../../src/core/api/contract';
import type { EvaluationSummary, ObjectListKind, ObjectQuery } from '../../../src/core/evaluation/report';
import type { ProjectId } from '../../../src/core/ids';
import { Tabs } from '../components/Tabs';
import type { LabelLoopDatabase } from '../db/database';
import { keysTagged, objectKey, SUGGESTED_TAGS, tagsOf, toggleTag } from '../db/evaluations';
import { ObjectPatch } from './ObjectPatch';
import type { EvaluationWorker } from './evaluationWorker';
import type { ObjectItem } from './session';

export type ListKind = ObjectListKind | 'all';

export interface FailureFilter {
  readonly kind: ListKind;
  readonly category?: number;
  readonly cell?: { readonly row: number; readonly col: number };
  readonly score?: { readonly from: number; readonly to: number };
  readonly size?: { readonly from: number; readonly to: number };
  readonly tag?: string;
}

const KINDS: readonly (readonly [ObjectListKind, string])[] = [
  ['false-positive', 'False positives'],
  ['false-negative', 'False negatives'],
  ['confusion', 'Confusions'],
  ['localization', 'Localization'],
  ['duplicate', 'Duplicates'],
  ['label-error', 'Label errors'],
  ['true-positive', 'True positives'],
];

const PAGE = 60;

export function FailureBrowser({
  api,
  db,
  projectId,
  worker,
  summary,
  filter,
  onFilter,
  onOpen,
}: {
  api: ApiClient;
  db: LabelLoopDatabase;
  projectId: ProjectId;
  worker: EvaluationWorker;
  summary: EvaluationSummary;
  filter: FailureFilter;
  onFilter: (filter: FailureFilter) => void;
  onOpen: (item: ObjectItem) => void;
}) {
  const [items, setItems] = useState<ObjectItem[]>([]);
  const [total, setTotal] = useState(0);
  const [limit, setLimit] = useState(PAGE);
  const [tags, setTags] = useState<Map<string, readonly string[]>>(new Map());
  const [tagging, setTagging] = useState<ObjectItem | null>(null);
  const [custom, setCustom] = useState('');

  useEffect(() => setLimit(PAGE), [filter]);

  useEffect(() => {
    let live = true;
    const query: ObjectQuery = {
      ...(filter.kind === 'all' ? {} : { kind: filter.kind }),
      ...(filter.category === undefined ? {} : { category: filter.category }),
      ...(filter.cell ? { cell: filter.cell } : {}),
      ...(filter.score ? { score: filter.score } : {}),
      ...(filter.size ? { size: filter.size } : {}),
      limit,
    };
    void (async () => {
      // The tag filter runs in the worker, over the whole list: only the tagged keys travel there.
      const tagged = filter.tag ? [...(await keysTagged(db, projectId, filter.tag))] : undefined;
      const answer = await worker.objects(query, tagged);
      const rows = answer.items;
      const count = answer.total;
      const found = await tagsOf(db, projectId, [
        ...rows.map((item) => item.tagKey),
        ...new Set(rows.map((item) => objectKey.image(item.imageId))),
      ]);
      if (!live) return;
      setItems(rows);
      setTotal(count);
      setTags(found);
    })();
    return () => {
      live = false;
    };
  }, [worker, db, projectId, filter, limit, summary]);

  // Shown at once, then replaced by what was stored.
  const tag = (item: ObjectItem, name: string, key = item.tagKey) => {
    const tagName = name.trim();
    const current = tags.get(key) ?? [];
    const next = current.includes(tagName)
      ? current.filter((t) => t !== tagName)
      : [...current, tagName].sort();
    setTags((old) => new Map(old).set(key, next));
    void toggleTag(db, projectId, key, item.imageId, tagName).then((saved) =>
      setTags((old) => new Map(old).set(key, saved)),
    );
  };

  const counts = summary.failureCounts;
  const labels = summary.confusion.labels;
  const chips: { label: string; clear: Partial<FailureFilter> }[] = [];
  if (filter.category !== undefined)
    chips.push({ label: `class: ${summary.classes[filter.category]?.name}`, clear: { category: undefined } });
  if (filter.cell)
    chips.push({
      label: `${labels[filter.cell.row]} → ${labels[filter.cell.col]}`,
      clear: { cell: undefined },
    });
  if (filter.size)
    chips.push({
      label: `size ${filter.size.from.toFixed(2)}–${filter.size.to.toFixed(2)}`,
      clear: { size: undefined },
    });
  if (filter.score)
    chips.push({
      label: `score ${filter.score.from.toFixed(2)}–${filter.score.to.toFixed(2)}`,
      clear: { score: undefined },
    });

  return (
    <section className="failure-browser" aria-label="Failure cases">
      <Tabs
        tabs={[
          ...KINDS.map(([id, label]) => [id, `${label} (${counts[id]})`] as const),
          ['all', 'All errors'] as const,
        ]}
        value={filter.kind}
        onChange={(kind) => onFilter({ ...filter, kind })}
      />
      <div className="failure-filters">
        {chips.map((chip) => (
          <button
            key={chip.label}
            type="button"
            className="chip removable"
            onClick={() => onFilter({ ...filter, ...chip.clear })}
            title="Remove this filter"
          >
            {chip.label} ×
          </button>
        ))}
        <label>
          Tag{' '}
          <select
            value={filter.tag ?? ''}
            onChange={(e) =>
              onFilter({ ...filter, ...(e.target.value ? { tag: e.target.value } : { tag: undefined }) })
            }
          >
            <option value="">any</option>
            {SUGGESTED_TAGS.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <span className="muted" data-testid="failure-count">
          {total} {total === 1 ? 'object' : 'objects'}
        </span>
      </div>
      {items.length === 0 ? (
        <p className="muted empty-list">Nothing here at these thresholds.</p>
      ) : (
        <div className="patch-grid">
          {items.map((item) => (
            <ObjectPatch
              key={`${item.kind}:${item.tagKey}:${item.pred?.predictionId ?? ''}`}
              api={api}
              item={item}
              tags={tags.get(item.tagKey) ?? []}
              imageTags={tags.get(objectKey.image(item.imageId)) ?? []}
              onOpen={onOpen}
              onTag={setTagging}
            />
          ))}
        </div>
      )}
      {items.length < total && (
        <button type="button" onClick={() => setLimit((l) => l + PAGE)}>
          Show {Math.min(PAGE, total - items.length)} more
        </button>
      )}
      {tagging && (
        <div className="tag-menu" role="dialog" aria-label="Tag object">
          <p>
            Tag this object in <strong>{tagging.fileName}</strong>:
          </p>
          {SUGGESTED_TAGS.map((name) => (
            <label key={name} className="check">
              <input
                type="checkbox"
                checked={(tags.get(tagging.tagKey) ?? []).includes(name)}
                onChange={() => tag(tagging, name)}
              />
              {name}
            </label>
          ))}
          <p>The whole image:</p>
          {SUGGESTED_TAGS.map((name) => (
            <label key={`image-${name}`} className="check">
              <input
                type="checkbox"
                aria-label={`image ${name}`}
                checked={(tags.get(objectKey.image(tagging.imageId)) ?? []).includes(name)}
                onChange={() => tag(tagging, name, objectKey.image(tagging.imageId))}
              />
              {name}
            </label>
          ))}
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (custom.trim()) tag(tagging, custom);
              setCustom('');
            }}
          >
            <input
              value={custom}
              onChange={(e) => setCustom(e.target.value)}
              placeholder="other tag"
              aria-label="Other tag"
            />
          </form>
          <button type="button" onClick={() => setTagging(null)}>
            Done
          </button>
        </div>
      )}
    </section>
  );
}
