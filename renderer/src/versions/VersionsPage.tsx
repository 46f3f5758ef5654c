/** A project's dataset versions: list them, create the next, read one's contents, compare two, export one. */

import { useCallback, useEffect, useState } from 'react';
import type { ProjectId } from '../../../src/core/ids';
import type { VersionId } from '../../../src/core/versions/types';
import { useServices } from '../app/services';
import { ProjectBreadcrumb } from '../components/Breadcrumb';
import { MissingProject } from '../components/MissingProject';
import { Tabs } from '../components/Tabs';
import type { ProjectRecord } from '../db/database';
import { listVersions, type VersionSummary } from '../db/versions';
import { ExportDialog } from '../export/ExportDialog';
import { formatCount, formatWhen } from '../format';
import { CreateVersionDialog } from './CreateVersionDialog';
import { useSchemaVersions } from './useSchemaVersions';
import { VersionCompare } from './VersionCompare';
import { VersionContents } from './VersionContents';

type Tab = 'contents' | 'compare';

export function VersionsPage({ projectId }: { projectId: ProjectId }) {
  const { db } = useServices();
  const [project, setProject] = useState<ProjectRecord | null | undefined>(undefined);
  const [versions, setVersions] = useState<VersionSummary[] | undefined>(undefined);
  const [selectedId, setSelectedId] = useState<VersionId | null>(null);
  const [tab, setTab] = useState<Tab>('contents');
  const [creating, setCreating] = useState(false);
  const [exporting, setExporting] = useState<VersionId | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const reload = useCallback(async () => {
    const [record, list] = await Promise.all([db.projects.get(projectId), listVersions(db, projectId)]);
    setProject(record ?? null);
    setVersions(list);
  }, [db, projectId]);
  useEffect(() => {
    void reload();
  }, [reload]);

  const selected = versions?.find((v) => v.id === selectedId) ?? versions?.[0];
  const schemas = useSchemaVersions(projectId, [selected?.schemaVersion]);
  const numberOf = (id: VersionId | null) => versions?.find((v) => v.id === id)?.number;

  const created = (version: VersionSummary) => {
    setCreating(false);
    setSelectedId(version.id);
    setTab('contents');
    setNotice(`Created version ${version.number}: ${formatCount(version.counts.images)} images.`);
    void reload();
  };

  if (project === null) return <MissingProject />;

  return (
    <main className="page versions-page" data-page="versions">
      <header className="page-header">
        <ProjectBreadcrumb projectId={projectId} projectName={project?.name} title="Versions" />
        <div className="header-actions">
          <button type="button" className="primary" disabled={!versions} onClick={() => setCreating(true)}>
            Create version
          </button>
        </div>
      </header>
      {notice && (
        <p className="versions-notice" role="status" data-testid="versions-notice">
          {notice}
        </p>
      )}
      {versions?.length === 0 && (
        <div className="empty">
          <h2>No versions yet</h2>
          <p>
            A version freezes every image, its labels and its train/val/test split, so a training run can
            always name exactly what it trained on. Later versions can be compared with it.
          </p>
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            Create the first version
          </button>
        </div>
      )}
      {versions && versions.length > 0 && selected && (
        <>
          <div className="versions-list">
            <table className="data-table versions-table" aria-label="Versions">
              <thead>
                <tr>
                  <th>Version</th>
                  <th>Message</th>
                  <th>Author</th>
                  <th>Created</th>
                  <th>Parent</th>
                  <th className="num">Schema</th>
                  <th className="num">Images</th>
                  <th className="num">Annotations</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {versions.map((v) => {
                  const parent = numberOf(v.parent);
                  return (
                    <tr
                      key={v.id}
                      data-version={v.number}
                      aria-selected={v.id === selected.id}
                      className={v.id === selected.id ? 'selected' : undefined}
                      onClick={() => setSelectedId(v.id)}
                    >
                      <td>
                        <button
                          type="button"
                          className="link version-number"
                          onClick={() => setSelectedId(v.id)}
                        >
                          v{v.number}
                        </button>
                      </td>
                      <td className="version-message" title={v.message}>
                        {v.message}
                      </td>
                      <td>{v.author}</td>
                      <td className="nowrap">{formatWhen(v.createdAt)}</td>
                      <td>{parent === undefined ? '—' : `v${parent}`}</td>
                      <td className="num">{v.schemaVersion}</td>
                      <td className="num" data-testid="version-images">
                        {formatCount(v.counts.images)}
                      </td>
                      <td className="num" data-testid="version-annotations">
                        {formatCount(v.counts.annotations)}
                      </td>
                      <td className="actions">
                        <button
                          type="button"
                          onClick={(e) => {
                            e.stopPropagation();
                            setExporting(v.id);
                          }}
                        >
                          Export…
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <section className="version-detail" aria-label={`Version ${selected.number}`}>
            <div className="version-detail-header">
              <h2>
                v{selected.number} <span className="version-detail-message">{selected.message}</span>
              </h2>
              <Tabs
                tabs={[
                  ['contents', 'Contents'],
                  ['compare', 'Compare'],
                ]}
                value={tab}
                onChange={setTab}
              />
            </div>
            <div className="version-detail-body">
              {tab === 'contents' ? (
                <VersionContents version={selected} schema={schemas.get(selected.schemaVersion)} />
              ) : (
                <VersionCompare
                  key={selected.id}
                  projectId={projectId}
                  projectName={project?.name ?? 'project'}
                  versions={versions}
                  initial={{ from: selected.parent, to: selected.id }}
                />
              )}
            </div>
          </section>
        </>
      )}
      {creating && (
        <CreateVersionDialog
          projectId={projectId}
          latest={versions?.[0]}
          onCreated={created}
          onClose={() => setCreating(false)}
        />
      )}
      {exporting && (
        <ExportDialog projectId={projectId} versionId={exporting} onClose={() => setExporting(null)} />
      )}
    </main>
  );
}
