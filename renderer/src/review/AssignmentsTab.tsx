/**
 * Handing out work without a server: the QA lead splits images into assignments, exports each as a task
 * bundle and merges the returned bundles; in a task project the annotator sends their labels back from here.
 */

import { JsonFileInput } from '../components/JsonFileInput';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import type { ConflictChoice } from '../../../src/core/qa/merge';
import { canLead, ROLE_LABELS, type UserProfile } from '../../../src/core/qa/people';
import { useServices } from '../app/services';
import { Dialog } from '../components/Dialog';
import { FolderField } from '../components/FolderField';
import {
  applyReturn,
  createAssignments,
  describeReturn,
  exportAssignment,
  goldCandidates,
  imagesToAssign,
  listAssignments,
  previewReturn,
  type ReturnPreview,
} from '../db/assignments';
import type { ProjectRecord } from '../db/database';
import { listUsers } from '../db/people';
import type { AssignmentRecord } from '../db/qaRecords';
import { currentSchema } from '../db/schemas';
import {
  exportTaskReturn,
  importTaskBundle,
  readTaskBundle,
  taskProgress,
  type RegisterRoot,
} from '../db/taskProjects';
import type { TaskBundle } from '../../../src/core/qa/bundle';
import { formatWhen } from '../format';
import { useUi } from '../state/ui';
import { ConflictsDialog } from './ConflictsDialog';
import './assignments.css';

/** Saves text as a file through a temporary download link: works in Electron and in a browser. */
export function downloadText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function AssignmentsTab({ projectId }: { projectId: ProjectId }) {
  const { db } = useServices();
  const [project, setProject] = useState<ProjectRecord | null>(null);
  useEffect(() => {
    void db.projects.get(projectId).then((p) => setProject(p ?? null));
  }, [db, projectId]);
  if (!project) return <p className="muted">Loading…</p>;
  return project.task ? <TaskPanel project={project} /> : <LeadAssignments project={project} />;
}

// ---- The annotator's side ---------------------------------------------------------------------------

function TaskPanel({ project }: { project: ProjectRecord }) {
  const { db } = useServices();
  const dataVersion = useUi((s) => s.dataVersion);
  const task = project.task!;
  const [progress, setProgress] = useState<{ images: number; submitted: number } | null>(null);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  useEffect(() => {
    void taskProgress(db, project.id).then(setProgress);
  }, [db, project.id, dataVersion]);

  const send = async () => {
    try {
      const { fileName, text } = await exportTaskReturn(db, project.id);
      downloadText(fileName, text);
      setMessage({ error: false, text: `Saved ${fileName}. Send it to ${task.lead.name}.` });
    } catch (error) {
      setMessage({ error: true, text: (error as Error).message });
    }
  };

  return (
    <section className="assign-panel" data-testid="task-panel">
      <p>
        This project is a task from <strong>{task.lead.name}</strong> ({task.sourceProject.name}):{' '}
        {progress ? `${progress.images} images, ${progress.submitted} submitted.` : '…'}
      </p>
      <button type="button" className="primary" onClick={() => void send()} data-testid="task-export">
        Export labels for {task.lead.name}
      </button>
      {message && (
        <p className={message.error ? 'error' : 'notice'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
    </section>
  );
}

// ---- The lead's side --------------------------------------------------------------------------------

type ImageChoiceName = 'all' | 'new' | 'in-progress' | 'new+in-progress';

function AssignmentForm({
  project,
  users,
  lead,
  onCreated,
}: {
  project: ProjectRecord;
  users: readonly UserProfile[];
  lead: UserProfile;
  onCreated: (message: string) => void;
}) {
  const { db } = useServices();
  const [which, setWhich] = useState<ImageChoiceName>('new+in-progress');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [overlap, setOverlap] = useState(20);
  const [goldShare, setGoldShare] = useState(0);
  const [seed, setSeed] = useState(() => new Date().toISOString().slice(0, 10));
  const [gold, setGold] = useState<ImageId[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void goldCandidates(db, project.id).then(setGold);
  }, [db, project.id]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    const statuses =
      which === 'all' ? 'all' : which === 'new+in-progress' ? (['new', 'in-progress'] as const) : [which];
    const imageIds = await imagesToAssign(db, project.id, statuses);
    const result = await createAssignments(db, {
      projectId: project.id,
      imageIds,
      annotators: users.filter((u) => chosen.has(u.id)),
      overlap: overlap / 100,
      goldImageIds: goldShare > 0 ? gold : [],
      goldShare: goldShare / 100,
      seed,
      lead,
    });
    if (!result.ok) return setError(result.message);
    setError(null);
    const s = result.summary;
    onCreated(
      `Created ${result.assignments.length} assignments: ${s.workImages} images, ${s.overlapImages} of them labeled twice` +
        (s.goldShortAssignments > 0 ? `; ${s.goldShortAssignments} got fewer gold images than asked.` : '.'),
    );
  };

  return (
    <form className="assign-form" onSubmit={(e) => void create(e)} data-testid="assignment-form">
      <div className="form-grid">
        <label>
          Images
          <select value={which} onChange={(e) => setWhich(e.target.value as ImageChoiceName)}>
            <option value="new+in-progress">New and in progress</option>
            <option value="new">New</option>
            <option value="in-progress">In progress</option>
            <option value="all">All images</option>
          </select>
        </label>
        <label>
          Overlap % (labeled by two, for agreement)
          <input
            type="number"
            min={0}
            max={100}
            value={overlap}
            onChange={(e) => setOverlap(Number(e.target.value))}
          />
        </label>
        <label>
          Gold share % ({gold.length} accepted images can be gold)
          <input
            type="number"
            min={0}
            max={90}
            value={goldShare}
            onChange={(e) => setGoldShare(Number(e.target.value))}
          />
        </label>
        <label>
          Seed
          <input value={seed} onChange={(e) => setSeed(e.target.value)} spellCheck={false} />
        </label>
      </div>
      <fieldset className="assign-people">
        <legend>Annotators</legend>
        {users.map((u) => (
          <label key={u.id} className="checkbox">
            <input
              type="checkbox"
              checked={chosen.has(u.id)}
              onChange={(e) => {
                const next = new Set(chosen);
                if (e.target.checked) next.add(u.id);
                else next.delete(u.id);
                setChosen(next);
              }}
            />
            {u.name} <span className="muted small">{ROLE_LABELS[u.role]}</span>
          </label>
        ))}
        <p className="muted small">Add people with the person button in the header.</p>
      </fieldset>
      <button type="submit" className="primary" disabled={chosen.size === 0} data-testid="create-assignments">
        Create assignments
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

/** What the import dialog needs to name things: image file names, class names, people. */
interface Names {
  image: (id: string) => string;
  className: (id: string) => string;
  person: (id: string) => string;
}

function LeadAssignments({ project }: { project: ProjectRecord }) {
  const { db } = useServices();
  const user = useUi((s) => s.user);
  const dataChanged = useUi((s) => s.dataChanged);
  const [users, setUsers] = useState<UserProfile[]>([]);
  const [assignments, setAssignments] = useState<AssignmentRecord[] | null>(null);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [merging, setMerging] = useState<{ preview: ReturnPreview; names: Names } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const importFor = useRef<string | null>(null);
  const isLead = user !== null && canLead(user.role);

  const reload = useCallback(async () => {
    setUsers(await listUsers(db));
    setAssignments(await listAssignments(db, project.id));
  }, [db, project.id]);
  useEffect(() => {
    void reload();
  }, [reload]);
  const nameOf = (id: string) => users.find((u) => u.id === id)?.name ?? id;

  const exportOne = async (assignment: AssignmentRecord) => {
    try {
      const { fileName, text } = await exportAssignment(db, assignment.id, user!);
      downloadText(fileName, text);
      setMessage({ error: false, text: `Saved ${fileName}. Send it to ${nameOf(assignment.annotator)}.` });
      await reload();
    } catch (error) {
      setMessage({ error: true, text: (error as Error).message });
    }
  };

  const finish = async (preview: ReturnPreview, choices: Record<string, ConflictChoice>) => {
    setMerging(null);
    try {
      const summary = await applyReturn(db, preview, choices, user!);
      setMessage({ error: false, text: describeReturn(summary) });
      dataChanged();
      await reload();
    } catch (error) {
      setMessage({ error: true, text: `Nothing was saved: ${(error as Error).message}` });
    }
  };

  const readReturned = async (file: File) => {
    const assignmentId = importFor.current;
    if (!assignmentId || !user) return;
    const result = await previewReturn(db, assignmentId, await file.text(), file.name, user);
    if (!result.ok) return setMessage({ error: true, text: result.message });
    const { preview } = result;
    if (preview.conflicts.length === 0) return finish(preview, {});
    const [images, schema] = await Promise.all([
      db.images.bulkGet([...new Set(preview.conflicts.map((c) => c.imageId))]),
      currentSchema(db, project.id),
    ]);
    const imageNames = new Map(images.flatMap((i) => (i ? [[i.id as string, i.relPath] as const] : [])));
    const classNames = new Map(schema?.schema.classes.map((c) => [c.id, c.name]) ?? []);
    setMerging({
      preview,
      names: {
        image: (id) => imageNames.get(id) ?? id,
        className: (id) => classNames.get(id) ?? id,
        person: nameOf,
      },
    });
  };

  return (
    <div className="assignments-tab">
      {isLead && user ? (
        <AssignmentForm
          project={project}
          users={users}
          lead={user}
          onCreated={(text) => {
            setMessage({ error: false, text });
            void reload();
          }}
        />
      ) : (
        <p className="muted" data-testid="assignments-read-only">
          Only a QA lead hands out work and merges it back
          {user ? `; you are working as ${user.name} (${ROLE_LABELS[user.role]})` : ''}.
        </p>
      )}
      {message && (
        <p
          className={message.error ? 'error' : 'notice'}
          role={message.error ? 'alert' : 'status'}
          data-testid="assignments-message"
        >
          {message.text}
        </p>
      )}
      {assignments === null ? (
        <p className="muted">Loading…</p>
      ) : assignments.length === 0 ? (
        <p className="muted">No assignments yet.</p>
      ) : (
        <table className="data-table assign-table" aria-label="Assignments">
          <thead>
            <tr>
              <th>Annotator</th>
              <th className="num">Images</th>
              <th className="num">Overlap</th>
              <th className="num">Gold</th>
              <th>Created</th>
              <th>Exported</th>
              <th>Returned</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {assignments.map((a) => (
              <tr key={a.id} data-testid="assignment-row" data-annotator={nameOf(a.annotator)}>
                <td>{nameOf(a.annotator)}</td>
                <td className="num">{a.imageIds.length - a.goldImageIds.length}</td>
                <td className="num">{a.overlapImageIds.length}</td>
                <td className="num">{a.goldImageIds.length}</td>
                <td>{formatWhen(a.createdAt)}</td>
                <td>{a.exported ? formatWhen(a.exported.at) : '—'}</td>
                <td>{a.returnedAt ? formatWhen(a.returnedAt) : '—'}</td>
                <td className="actions">
                  <button
                    type="button"
                    disabled={!isLead}
                    onClick={() => void exportOne(a)}
                    data-testid="export-bundle"
                  >
                    Export bundle
                  </button>
                  <button
                    type="button"
                    disabled={!isLead || !a.exported}
                    onClick={() => {
                      importFor.current = a.id;
                      fileInput.current?.click();
                    }}
                    data-testid="import-returned"
                  >
                    Import returned bundle…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <JsonFileInput
        ref={fileInput}
        data-testid="returned-bundle-file"
        onFile={(file) => void readReturned(file)}
      />
      {merging && (
        <ConflictsDialog
          conflicts={merging.preview.conflicts}
          annotator={merging.preview.bundle.assignee.name}
          imageName={merging.names.image}
          className={merging.names.className}
          person={merging.names.person}
          onCancel={() => {
            setMerging(null);
            setMessage({ error: false, text: 'Import cancelled; nothing was saved.' });
          }}
          onConfirm={(choices) => void finish(merging.preview, choices)}
        />
      )}
    </div>
  );
}

// ---- Importing a task on the annotator's machine (on the projects screen) ----------------------------

/** "Import task bundle…": reads a bundle and makes or updates its task project, asking for the images' folder when needed. */
export function ImportTaskBundleButton({ onImported }: { onImported: (projectId: ProjectId) => void }) {
  const { api, db } = useServices();
  const fileInput = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState<{ bundle: TaskBundle; message: string } | null>(null);
  const [folder, setFolder] = useState('');

  const register: RegisterRoot = async (projectId, path) => {
    const result = await api.call('roots.register', { projectId, path });
    return result.ok
      ? { ok: true, rootId: result.value.rootId, path: result.value.path }
      : { ok: false, code: result.error.code, message: result.error.message };
  };

  const run = async (bundle: TaskBundle, chosen?: string) => {
    const result = await importTaskBundle(
      db,
      register,
      bundle,
      chosen === undefined ? {} : { folder: chosen },
    );
    if (!result.ok) {
      if (result.needsFolder) return setAsking({ bundle, message: result.message });
      setAsking(null);
      return setError(result.message);
    }
    setAsking(null);
    setError(null);
    useUi.getState().setUser(bundle.assignee);
    onImported(result.project.id);
  };

  const read = async (file: File) => {
    const result = readTaskBundle(await file.text());
    if (!result.ok) return setError(result.message);
    await run(result.bundle);
  };

  return (
    <>
      <button type="button" onClick={() => fileInput.current?.click()} data-testid="import-task-bundle">
        Import task bundle…
      </button>
      <JsonFileInput ref={fileInput} data-testid="task-bundle-file" onFile={(file) => void read(file)} />
      {error && (
        <p className="error" role="alert" data-testid="task-import-error">
          {error}
        </p>
      )}
      {asking && (
        <Dialog title="Where are the task's images?" onClose={() => setAsking(null)}>
          <div className="dialog-body">
            <p>{asking.message}</p>
            <p className="muted small">
              Images are matched by their path inside the folder, as they were in{' '}
              {asking.bundle.createdBy.name}
              &apos;s project.
            </p>
            <FolderField label="Images folder" value={folder} onChange={setFolder} />
          </div>
          <div className="dialog-actions">
            <button type="button" onClick={() => setAsking(null)}>
              Cancel
            </button>
            <button
              type="button"
              className="primary"
              disabled={folder.trim() === ''}
              onClick={() => void run(asking.bundle, folder.trim())}
              data-testid="task-folder-import"
            >
              Import
            </button>
          </div>
        </Dialog>
      )}
    </>
  );
}
