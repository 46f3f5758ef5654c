/** The start screen: every project with its counts, and create / rename / delete. */

import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ProjectId } from '../../../src/core/ids';
import { useServices } from '../app/services';
import { ConfirmDialog } from '../components/Dialog';
import {
  createProject,
  deleteProject,
  deletionImpact,
  listProjects,
  renameProject,
  validateProjectName,
  type ProjectSummary,
} from '../db/projects';
import { formatCount, formatWhen } from '../format';
import { ImportTaskBundleButton } from '../review/AssignmentsTab';
import { useUi } from '../state/ui';
import {
  claimFirstRunSample,
  createSampleProject,
  SAMPLE_PROJECT_NAME,
  SAMPLE_SETTING,
} from '../models/sampleProject';

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

export function ProjectsPage() {
  const { api, db } = useServices();
  const navigate = useUi((s) => s.navigate);
  const [projects, setProjects] = useState<ProjectSummary[] | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<{ id: ProjectId; name: string } | null>(null);
  const [deleting, setDeleting] = useState<
    ({ project: ProjectSummary } & Awaited<ReturnType<typeof deletionImpact>>) | null
  >(null);

  const [sample, setSample] = useState<'idle' | 'creating'>('idle');
  const [sampleId, setSampleId] = useState<string | null>(null);
  const reload = useCallback(() => listProjects(db).then(setProjects), [db]);

  const makeSample = useCallback(async () => {
    setSample('creating');
    try {
      await createSampleProject(api, db);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSample('idle');
      setSampleId(((await db.settings.get(SAMPLE_SETTING))?.value as string) ?? null);
      await reload();
    }
  }, [api, db, reload]);

  useEffect(() => {
    void (async () => {
      const list = await listProjects(db);
      setProjects(list);
      void db.settings.get(SAMPLE_SETTING).then((row) => setSampleId((row?.value as string) ?? null));
      // First run: an empty app makes the sample project once (deleting it never brings it back).
      if (list.length > 0) return;
      const info = await api.call('app.info', {});
      if (info.ok && info.value.firstRunSample && (await claimFirstRunSample(db))) await makeSample();
    })();
  }, [api, db, makeSample]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    const problem = validateProjectName(name);
    if (problem) return setError(problem);
    const project = await createProject(db, name);
    setName('');
    setError(null);
    navigate({ page: 'project', projectId: project.id });
  };

  const saveRename = async () => {
    if (!renaming) return;
    const problem = validateProjectName(renaming.name);
    if (problem) return setError(problem);
    await renameProject(db, renaming.id, renaming.name);
    setRenaming(null);
    setError(null);
    await reload();
  };

  const askDelete = async (project: ProjectSummary) => {
    setDeleting({ project, ...(await deletionImpact(db, project.id)) });
  };

  const confirmDelete = async () => {
    if (!deleting) return;
    await deleteProject(db, deleting.project.id);
    await api.call('roots.forgetProject', { projectId: deleting.project.id });
    setDeleting(null);
    await reload();
  };

  return (
    <main className="page projects-page" data-page="projects">
      <header className="page-header">
        <h1>Projects</h1>
        <form className="inline-form" onSubmit={create}>
          <input
            aria-label="New project name"
            placeholder="New project name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={200}
          />
          <button type="submit" className="primary">
            Create project
          </button>
        </form>
        <ImportTaskBundleButton onImported={(projectId) => navigate({ page: 'project', projectId })} />
      </header>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {projects === null ? (
        <p className="muted">Loading…</p>
      ) : projects.length === 0 ? (
        <div className="empty">
          <h2>{sample === 'creating' ? 'Preparing the sample project…' : 'No projects yet'}</h2>
          <p>
            Create a project, then import a folder of images into it. Your image files stay where they are.
          </p>
          <p>
            Or start from the sample: a dozen images of rendered text and shapes with their labels, and the
            bundled PP-OCRv4 text detector to pre-label them.
          </p>
          <button type="button" disabled={sample === 'creating'} onClick={() => void makeSample()}>
            {sample === 'creating' ? 'Creating…' : 'Create the sample project'}
          </button>
        </div>
      ) : (
        <table className="project-table" aria-label="Projects">
          <thead>
            <tr>
              <th>Name</th>
              <th className="num">Images</th>
              <th className="num">Done</th>
              <th>Last opened</th>
              <th>Created</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {projects.map((project) => (
              <tr key={project.id} data-project={project.name}>
                <td>
                  {renaming?.id === project.id ? (
                    <input
                      aria-label="Project name"
                      autoFocus
                      value={renaming.name}
                      onChange={(e) => setRenaming({ id: project.id, name: e.target.value })}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter') void saveRename();
                        if (e.key === 'Escape') setRenaming(null);
                      }}
                    />
                  ) : (
                    <button
                      type="button"
                      className="link project-name"
                      onClick={() => navigate({ page: 'project', projectId: project.id })}
                    >
                      {project.name}
                    </button>
                  )}
                </td>
                <td className="num" data-testid="image-count">
                  {formatCount(project.imageCount)}
                </td>
                <td className="num">{formatCount(project.doneCount)}</td>
                <td>{formatWhen(project.lastOpenedAt)}</td>
                <td>{formatWhen(project.createdAt)}</td>
                <td className="actions">
                  {renaming?.id === project.id ? (
                    <>
                      <button type="button" className="primary" onClick={() => void saveRename()}>
                        Save
                      </button>
                      <button type="button" onClick={() => setRenaming(null)}>
                        Cancel
                      </button>
                    </>
                  ) : (
                    <>
                      <button
                        type="button"
                        onClick={() => setRenaming({ id: project.id, name: project.name })}
                      >
                        Rename
                      </button>
                      <button
                        type="button"
                        className="danger-outline"
                        onClick={() => void askDelete(project)}
                      >
                        Delete
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {projects?.some((p) => p.id === sampleId && p.lastOpenedAt === null) && (
        <p className="notice-inline muted" data-testid="sample-hint">
          New here? Open <strong>{SAMPLE_PROJECT_NAME}</strong>, choose <strong>Models</strong> and run the
          bundled text detector: its pre-labels appear on every image in seconds, ready to accept or fix.
        </p>
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete “${deleting.project.name}”?`}
          confirmLabel="Delete project"
          danger
          onCancel={() => setDeleting(null)}
          onConfirm={() => void confirmDelete()}
        >
          <p>This removes the project from LabelLoop:</p>
          <ul className="impact-counts" data-testid="delete-impact">
            <li>{plural(deleting.images, 'image record')}</li>
            <li>annotations on {plural(deleting.annotatedImages, 'image')}</li>
            <li>{plural(deleting.schemaVersions, 'schema version')}</li>
            <li>{plural(deleting.datasetVersions, 'dataset version')}</li>
            <li>{plural(deleting.imports, 'import report')}</li>
          </ul>
          <p>
            <strong>Image files on disk are not deleted.</strong> This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </main>
  );
}
