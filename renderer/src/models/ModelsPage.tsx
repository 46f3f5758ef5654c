/**
 * A project's models: add an ONNX model, review its card, map its classes to the schema, run it on the
 * selection, the gallery's filter or every image, and follow, cancel and resume runs.
 */

import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ModelRecord, ProviderInfo } from '../../../src/core/api/models';
import type { CardProblem, ModelCard } from '../../../src/core/inference/card';
import type { ProjectId } from '../../../src/core/ids';
import type { PredictionRun } from '../../../src/core/predictions/types';
import type { AnnotationSchema, LabelClass } from '../../../src/core/schema/types';
import { useServices } from '../app/services';
import { ProjectBreadcrumb } from '../components/Breadcrumb';
import { MissingProject } from '../components/MissingProject';
import { Tabs } from '../components/Tabs';
import type { ProjectRecord } from '../db/database';
import { listRuns } from '../db/predictions';
import { currentSchema } from '../db/schemas';
import { formatBytes } from '../format';
import { AddModelDialog } from './AddModelDialog';
import { CardForm } from './CardForm';
import { ClassMapping, modelLabels, useClassMap } from './ClassMapping';
import { RunForm } from './RunForm';
import { RunsList } from './RunsList';
import { startModelRun, type StartRunOptions } from './runModel';
import './models.css';

/** One empty list, so hooks that depend on the schema's classes do not see a new one each render. */
const NO_CLASSES: readonly LabelClass[] = [];

export function ModelsPage({ projectId }: { projectId: ProjectId }) {
  const { api, db } = useServices();
  const [project, setProject] = useState<ProjectRecord | null | undefined>(undefined);
  const [schema, setSchema] = useState<AnnotationSchema | undefined>(undefined);
  const [models, setModels] = useState<ModelRecord[] | undefined>(undefined);
  const [providers, setProviders] = useState<ProviderInfo[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [problems, setProblems] = useState<CardProblem[]>([]);
  const [runs, setRuns] = useState<PredictionRun[]>([]);
  const [formKey, setFormKey] = useState(0);
  /** Which half of a model's detail shows; a model without a reviewed card always shows its card. */
  const [tab, setTab] = useState<'run' | 'card'>('run');

  const reloadRuns = useCallback(
    async () => setRuns((await listRuns(db, projectId)).filter((run) => run.source === 'model')),
    [db, projectId],
  );
  const reloadModels = useCallback(async () => {
    const result = await api.call('models.list', {});
    if (!result.ok) return setError(result.error.message);
    setModels(result.value.models);
    setProviders(result.value.providers);
  }, [api]);

  useEffect(() => {
    void (async () => {
      const record = await db.projects.get(projectId);
      setProject(record ?? null);
      setSchema((await currentSchema(db, projectId))?.schema);
      for (const root of record?.roots ?? [])
        await api.call('roots.register', { projectId, path: root.path });
    })();
    void reloadModels();
    void reloadRuns();
  }, [api, db, projectId, reloadModels, reloadRuns]);

  const model = models?.find((m) => m.sha256 === selected) ?? models?.[0];
  const labels = useMemo(() => (model?.card ? modelLabels(model.card) : []), [model]);
  const [classMap, setClassMap] = useClassMap(
    projectId,
    model?.sha256,
    labels,
    schema?.classes ?? NO_CLASSES,
  );

  const added = (record: ModelRecord) => {
    setAdding(false);
    setTab('card');
    setSelected(record.sha256);
    setProblems([]);
    setFormKey((k) => k + 1);
    setNotice(`Added ${record.fileName}. Review its card below, then save it to run the model.`);
    void reloadModels();
  };

  const saveCard = async (card: ModelCard) => {
    if (!model) return;
    setSaving(true);
    const result = await api.call('models.saveCard', { sha256: model.sha256, card });
    setSaving(false);
    if (!result.ok) return setError(result.error.message);
    setProblems(result.value.problems);
    if (result.value.model) {
      setNotice(`Saved the card of ${model.fileName}.`);
      setTab('run');
      setError(null);
      await reloadModels();
    }
  };

  const run = (options: Omit<StartRunOptions, 'projectId' | 'model' | 'classMap'>) => {
    if (!model || !classMap) return;
    setNotice(null);
    void startModelRun(api, db, { ...options, projectId, model, classMap }, () => void reloadRuns()).then(
      reloadRuns,
      (e: unknown) => setError((e as Error).message),
    );
  };

  if (project === null) return <MissingProject />;

  return (
    <main className="page models-page" data-page="models">
      <header className="page-header">
        <ProjectBreadcrumb projectId={projectId} projectName={project?.name} title="Models" />
        <div className="header-actions">
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            Add model
          </button>
        </div>
      </header>
      {notice && (
        <p className="notice" role="status" data-testid="models-notice">
          {notice}
        </p>
      )}
      {error && (
        <p className="error" role="alert" data-testid="models-error">
          {error}
        </p>
      )}
      <div className="models-layout">
        <ul className="model-list" aria-label="Models">
          {models === undefined && <li className="muted">Reading models…</li>}
          {models?.map((m) => (
            <li key={m.sha256}>
              <button
                type="button"
                className={m.sha256 === model?.sha256 ? 'model-item selected' : 'model-item'}
                aria-pressed={m.sha256 === model?.sha256}
                onClick={() => {
                  setSelected(m.sha256);
                  setTab('run');
                  setProblems([]);
                  setFormKey((k) => k + 1);
                }}
              >
                <span className="model-name">{m.card?.name ?? m.fileName}</span>
                <span className="muted small">
                  {m.fileName} · {formatBytes(m.bytes)} · {m.card?.task ?? m.inferred.card.task}
                </span>
                <span className={m.card ? 'badge badge-ok' : 'badge badge-warn'}>
                  {m.bundled ? 'bundled' : m.card ? 'card reviewed' : 'review card'}
                </span>
              </button>
            </li>
          ))}
        </ul>
        <div className="model-detail">
          {model && (
            <>
              <h2>{model.card?.name ?? model.fileName}</h2>
              {model.card && (
                <Tabs
                  tabs={[
                    ['run', 'Run'],
                    ['card', 'Card'],
                  ]}
                  value={tab}
                  onChange={setTab}
                />
              )}
              {(tab === 'card' || !model.card) && (
                <section aria-label="Card">
                  <CardForm
                    key={`${model.sha256}:${formKey}`}
                    model={model}
                    saving={saving}
                    problems={problems}
                    onSave={(card) => void saveCard(card)}
                  />
                </section>
              )}
              {tab === 'run' && model.cardProblems.length > 0 && (
                <p className="warn" role="alert">
                  The saved card does not fit the model ({model.cardProblems[0]!.message}); fix it on the Card
                  tab before running.
                </p>
              )}
              {tab === 'run' && model.card && schema && (
                <section aria-label="Run">
                  <ClassMapping
                    labels={labels}
                    classes={schema.classes}
                    value={classMap ?? {}}
                    onChange={setClassMap}
                  />
                  <RunForm
                    // A model's own threshold and task: switching models starts the form afresh.
                    key={`${model.sha256}:${model.card.thresholds.score}`}
                    projectId={projectId}
                    card={model.card}
                    providers={providers}
                    disabled={model.cardProblems.length > 0 || classMap === null}
                    onRun={run}
                  />
                </section>
              )}
              {tab === 'run' && model.card && !schema && (
                <p className="warn">Define the project&apos;s annotation schema before running a model.</p>
              )}
            </>
          )}
        </div>
      </div>
      <RunsList runs={runs} onChanged={reloadRuns} />
      {adding && <AddModelDialog onAdded={added} onClose={() => setAdding(false)} />}
    </main>
  );
}
