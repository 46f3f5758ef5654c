/** What to run a model on and how: the selection, the gallery's filter or every image; threads, provider, threshold. */

import { useEffect, useState } from 'react';
import type { ExecutionProvider, ProviderInfo } from '../../../src/core/api/models';
import type { ModelCard } from '../../../src/core/inference/card';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import { useServices } from '../app/services';
import { queryImages } from '../db/images';
import { formatCount } from '../format';
import { useUi } from '../state/ui';
import type { StartRunOptions } from './runModel';
import { ScoreInput } from '../components/ScoreInput';

type Scope = 'selection' | 'filter' | 'all';

const PROVIDER_NAMES: Record<ExecutionProvider, string> = {
  cpu: 'CPU',
  cuda: 'CUDA (NVIDIA)',
  dml: 'DirectML (Windows)',
  coreml: 'CoreML (macOS)',
  webgpu: 'WebGPU',
};

export function RunForm({
  projectId,
  card,
  providers,
  disabled,
  onRun,
}: {
  projectId: ProjectId;
  card: ModelCard;
  providers: readonly ProviderInfo[];
  disabled: boolean;
  onRun: (options: Omit<StartRunOptions, 'projectId' | 'model' | 'classMap'>) => void;
}) {
  const { db } = useServices();
  const selection = useUi((s) => s.selection.ids);
  const gallery = useUi((s) => s.gallery);
  const [filtered, setFiltered] = useState<ImageId[] | null>(null);
  const [all, setAll] = useState<ImageId[] | null>(null);
  const [scope, setScope] = useState<Scope>(selection.size > 0 ? 'selection' : 'all');
  const [threads, setThreads] = useState(Math.min(2, navigator.hardwareConcurrency || 2));
  const [provider, setProvider] = useState<ExecutionProvider>('cpu');
  const [threshold, setThreshold] = useState(card.thresholds.score);
  const filterActive = gallery.nameFilter !== '' || gallery.status !== 'all';

  useEffect(() => {
    void queryImages(db, projectId, gallery).then((rows) => setFiltered(rows.map((r) => r.id)));
    void queryImages(db, projectId, { ...gallery, nameFilter: '', status: 'all' }).then((rows) =>
      setAll(rows.map((r) => r.id)),
    );
  }, [db, projectId, gallery]);

  const ids = scope === 'selection' ? [...selection] : scope === 'filter' ? filtered : all;
  const count = ids?.length ?? 0;

  return (
    <form
      className="run-form"
      aria-label="Run model"
      onSubmit={(e) => {
        e.preventDefault();
        if (ids && ids.length > 0) onRun({ imageIds: ids, threads, provider, scoreThreshold: threshold });
      }}
    >
      <fieldset className="run-scope">
        <legend>Images</legend>
        <label className="checkbox">
          <input
            type="radio"
            name="run-scope"
            checked={scope === 'selection'}
            disabled={selection.size === 0}
            onChange={() => setScope('selection')}
          />
          Selected in the gallery ({formatCount(selection.size)})
        </label>
        <label className="checkbox">
          <input
            type="radio"
            name="run-scope"
            checked={scope === 'filter'}
            disabled={!filterActive}
            onChange={() => setScope('filter')}
          />
          Matching the gallery filter ({filtered === null ? '…' : formatCount(filtered.length)})
        </label>
        <label className="checkbox">
          <input type="radio" name="run-scope" checked={scope === 'all'} onChange={() => setScope('all')} />
          All images ({all === null ? '…' : formatCount(all.length)})
        </label>
      </fieldset>
      <div className="form-grid">
        <label>
          Threads
          <input
            aria-label="Threads"
            type="number"
            min={1}
            max={64}
            value={threads}
            onChange={(e) => setThreads(Math.max(1, Math.min(64, Math.round(Number(e.target.value)) || 1)))}
          />
        </label>
        <label>
          Execution provider
          <select
            aria-label="Execution provider"
            value={provider}
            onChange={(e) => setProvider(e.target.value as ExecutionProvider)}
          >
            {providers.map((p) => (
              <option key={p.name} value={p.name}>
                {PROVIDER_NAMES[p.name]}
                {p.available ? '' : ' — not in this build, falls back to CPU'}
              </option>
            ))}
          </select>
        </label>
        {card.task !== 'embed' && (
          <label>
            Score threshold
            <ScoreInput label="Run score threshold" value={threshold} onChange={setThreshold} />
          </label>
        )}
        <button type="submit" className="primary" disabled={disabled || count === 0}>
          Run on {formatCount(count)} image{count === 1 ? '' : 's'}
        </button>
      </div>
    </form>
  );
}
