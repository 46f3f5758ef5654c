/** A project's annotation schema: define it from a preset or from scratch, change it with impact previews, undo. */

import { JsonFileInput } from '../components/JsonFileInput';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ProjectId } from '../../../src/core/ids';
import type { SchemaChange } from '../../../src/core/schema/changes';
import { parseSchemaDocument, serializeSchema } from '../../../src/core/schema/document';
import { PRESETS } from '../../../src/core/schema/presets';
import type { AnnotationSchema } from '../../../src/core/schema/types';
import { useServices } from '../app/services';
import type { ProjectRecord, SchemaVersionRecord } from '../db/database';
import {
  currentSchema,
  listSchemaVersions,
  undoableChange,
  type ChangePreview,
  type ProjectValidation,
} from '../db/schemas';
import { formatCount, formatWhen } from '../format';
import { schemaWorker } from '../workers/schemaClient';
import { AttributeList, type Propose } from './AttributeEditor';
import { ChangeDialog } from './ChangeDialog';
import { ClassEditor } from './ClassEditor';
import { emptySchema, newClass, reorderClasses } from './editing';
import { JsonView } from './JsonView';
import { ProjectBreadcrumb } from '../components/Breadcrumb';
import { Tabs } from '../components/Tabs';

/** Until local user profiles exist, changes are recorded under this name. */
const AUTHOR = 'local user';

type Tab = 'classes' | 'image' | 'json' | 'history';

export function SchemaPage({ projectId }: { projectId: ProjectId }) {
  const { db } = useServices();
  const [project, setProject] = useState<ProjectRecord | null>(null);
  const [current, setCurrent] = useState<SchemaVersionRecord | null | undefined>(undefined);
  const [versions, setVersions] = useState<SchemaVersionRecord[]>([]);
  const [undoable, setUndoable] = useState<
    { version: number; message: string; images: number } | undefined
  >();
  const [validation, setValidation] = useState<ProjectValidation | undefined>();
  const [tab, setTab] = useState<Tab>('classes');
  const [selectedClass, setSelectedClass] = useState<string | null>(null);
  const [proposal, setProposal] = useState<{
    title: string;
    change: SchemaChange;
    preview: ChangePreview | null;
    next?: { title: string; change: SchemaChange };
  } | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [newClassName, setNewClassName] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);
  const [revision, setRevision] = useState(0);

  const reload = useCallback(async () => {
    const [p, schema, list, undo] = await Promise.all([
      db.projects.get(projectId),
      currentSchema(db, projectId),
      listSchemaVersions(db, projectId),
      undoableChange(db, projectId),
    ]);
    setProject(p ?? null);
    setCurrent(schema ?? null);
    setVersions(list);
    setUndoable(undo);
    setRevision((r) => r + 1);
    if (schema) void schemaWorker().validate(projectId).then(setValidation);
  }, [db, projectId]);
  useEffect(() => {
    void reload();
  }, [reload]);

  const schema = current?.schema ?? null;
  const propose: Propose = (title, change, next) => {
    setProposal({ title, change, preview: null, next });
    void schemaWorker()
      .preview(projectId, change)
      .then((preview) => setProposal((p) => (p && p.change === change ? { ...p, preview } : p)));
  };
  const apply = async () => {
    if (!proposal) return;
    setBusy(true);
    const result = await schemaWorker().apply(projectId, proposal.change, AUTHOR);
    setBusy(false);
    setProposal(null);
    setNotice(
      result.ok
        ? { kind: 'ok', text: `Version ${result.version}: ${result.message}` }
        : { kind: 'error', text: result.message },
    );
    await reload();
  };
  const undo = async () => {
    const result = await schemaWorker().undo(projectId);
    setNotice(result.ok ? { kind: 'ok', text: result.message } : { kind: 'error', text: result.message });
    await reload();
  };
  const start = (title: string, initial: AnnotationSchema) =>
    propose(title, { type: 'edit-schema', schema: initial, summary: title });

  const exportJson = () => {
    if (!schema) return;
    const url = URL.createObjectURL(new Blob([serializeSchema(schema)], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `${(project?.name ?? 'schema').replace(/[^\w.-]+/g, '_')}.schema.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  const importJson = async (file: File) => {
    const parsed = parseSchemaDocument(await file.text());
    if (!parsed.ok) {
      const first = parsed.problems
        .slice(0, 5)
        .map((p) => (p.line ? `line ${p.line}: ${p.message}` : p.message));
      setNotice({ kind: 'error', text: `${file.name} is not a valid schema: ${first.join('; ')}` });
      return;
    }
    propose(`Import ${file.name}`, {
      type: 'edit-schema',
      schema: parsed.schema,
      summary: `Imported the schema from ${file.name}`,
    });
  };

  const selected = schema?.classes.find((c) => c.id === selectedClass) ?? schema?.classes[0];
  const depth = (id: string | undefined, seen = 0): number => {
    const parent = schema?.classes.find((c) => c.id === id)?.parentId;
    return parent && seen < 8 ? 1 + depth(parent, seen + 1) : 0;
  };

  return (
    <main className="page schema-page" data-page="schema">
      <header className="page-header">
        <ProjectBreadcrumb projectId={projectId} projectName={project?.name} title="Annotation schema" />
        <div className="header-actions">
          {current && (
            <span className="muted" data-testid="schema-version">
              Version {current.version}
            </span>
          )}
          <button
            type="button"
            disabled={!undoable}
            onClick={() => void undo()}
            title={undoable ? `Undo: ${undoable.message}` : 'Nothing to undo'}
          >
            Undo last change
          </button>
          <button type="button" onClick={() => fileInput.current?.click()}>
            Import JSON…
          </button>
          <button type="button" disabled={!schema} onClick={exportJson}>
            Export JSON
          </button>
          <JsonFileInput ref={fileInput} aria-label="Schema file" onFile={(file) => void importJson(file)} />
        </div>
      </header>
      {notice && (
        <p
          className={notice.kind === 'ok' ? 'notice' : 'error'}
          role={notice.kind === 'ok' ? 'status' : 'alert'}
          data-testid="schema-notice"
        >
          {notice.text}
        </p>
      )}
      {validation && (
        <details className="validation-line" data-testid="schema-validation">
          <summary>
            {formatCount(validation.annotations)} annotations on {formatCount(validation.images)} images
            checked against version {validation.version}:{' '}
            <span className={validation.errorCount ? 'warn' : ''}>
              {formatCount(validation.errorCount)} errors
            </span>
            , {formatCount(validation.warningCount)} warnings
          </summary>
          <ul className="violation-codes">
            {Object.entries(validation.byCode)
              .filter(([, count]) => count > 0)
              .sort((a, b) => b[1] - a[1])
              .map(([code, count]) => {
                const example = validation.violations.find((v) => v.code === code);
                return (
                  <li key={code}>
                    <code>{code}</code> × {formatCount(count)}
                    {example && <span className="muted"> — e.g. {example.message}</span>}
                  </li>
                );
              })}
          </ul>
        </details>
      )}
      {current === null && (
        <section className="presets" aria-label="Start a schema">
          <h2>Start the schema</h2>
          <p className="muted">Pick a preset to edit, start empty, or import a schema file.</p>
          <div className="preset-grid">
            {PRESETS.map((preset) => (
              <button
                type="button"
                key={preset.id}
                className="preset"
                onClick={() => start(`Start from the ${preset.name} preset`, preset.schema)}
              >
                <strong>{preset.name}</strong>
                <span className="muted">{preset.description}</span>
                <span className="muted small">{preset.schema.classes.length} classes</span>
              </button>
            ))}
            <button
              type="button"
              className="preset"
              onClick={() => start('Start an empty schema', emptySchema(project?.name ?? 'Schema'))}
            >
              <strong>Empty schema</strong>
              <span className="muted">Add your own classes and attributes.</span>
            </button>
          </div>
        </section>
      )}
      {schema && (
        <>
          <Tabs
            tabs={[
              ['classes', `Classes (${schema.classes.length})`],
              ['image', 'Image tags & attributes'],
              ['json', 'JSON'],
              ['history', `History (${versions.length})`],
            ]}
            value={tab}
            onChange={setTab}
          />
          {tab === 'classes' && (
            <div className="schema-classes">
              <aside className="class-list" aria-label="Classes">
                {schema.classes.map((c, index) => (
                  <div
                    key={c.id}
                    className={c.id === selected?.id ? 'class-item selected' : 'class-item'}
                    data-class={c.name}
                    style={{ paddingLeft: 8 + depth(c.id) * 16 }}
                  >
                    <button type="button" className="class-select" onClick={() => setSelectedClass(c.id)}>
                      <span className="swatch" style={{ background: c.color }} />
                      <span className="class-name">{c.name}</span>
                      {c.hotkey && <kbd>{c.hotkey}</kbd>}
                      {c.geometries.length === 0 && <span className="muted small">group</span>}
                    </button>
                    <button
                      type="button"
                      className="icon"
                      aria-label={`Move ${c.name} up`}
                      disabled={index === 0}
                      onClick={() => {
                        const next = reorderClasses(schema, c.id, -1);
                        if (next)
                          propose(`Move “${c.name}” up`, {
                            type: 'edit-schema',
                            schema: next,
                            summary: `Moved class "${c.name}" up`,
                          });
                      }}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      className="icon"
                      aria-label={`Move ${c.name} down`}
                      disabled={index === schema.classes.length - 1}
                      onClick={() => {
                        const next = reorderClasses(schema, c.id, 1);
                        if (next)
                          propose(`Move “${c.name}” down`, {
                            type: 'edit-schema',
                            schema: next,
                            summary: `Moved class "${c.name}" down`,
                          });
                      }}
                    >
                      ↓
                    </button>
                  </div>
                ))}
                <form
                  className="add-class"
                  onSubmit={(e) => {
                    e.preventDefault();
                    if (!newClassName.trim()) return;
                    const labelClass = newClass(schema, newClassName);
                    setNewClassName('');
                    setSelectedClass(labelClass.id);
                    propose(`Add class “${labelClass.name}”`, { type: 'add-class', labelClass });
                  }}
                >
                  <input
                    value={newClassName}
                    onChange={(e) => setNewClassName(e.target.value)}
                    placeholder="New class name"
                    aria-label="New class name"
                  />
                  <button type="submit">Add</button>
                </form>
              </aside>
              {selected ? (
                <ClassEditor
                  key={`${selected.id}:${revision}`}
                  schema={schema}
                  labelClass={selected}
                  onPropose={propose}
                />
              ) : (
                <p className="muted">No classes yet: add one on the left.</p>
              )}
            </div>
          )}
          {tab === 'image' && (
            <div className="image-scope" key={revision}>
              <fieldset className="tagging">
                <legend>Image tags</legend>
                <p className="muted small">
                  Classes that allow “Image tag” are the tags.{' '}
                  {schema.classes.filter((c) => c.geometries.includes('tag')).length} classes do.
                </p>
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={schema.tagging.multiLabel}
                    onChange={(e) =>
                      propose('Image tags', {
                        type: 'edit-schema',
                        schema: { ...schema, tagging: { ...schema.tagging, multiLabel: e.target.checked } },
                        summary: e.target.checked
                          ? 'Images may have several tags'
                          : 'Images have at most one tag',
                      })
                    }
                  />
                  An image may have several tags (multi-label)
                </label>
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={schema.tagging.requireAtLeastOne}
                    onChange={(e) =>
                      propose('Image tags', {
                        type: 'edit-schema',
                        schema: {
                          ...schema,
                          tagging: { ...schema.tagging, requireAtLeastOne: e.target.checked },
                        },
                        summary: e.target.checked ? 'Every image needs a tag' : 'Image tags are optional',
                      })
                    }
                  />
                  Every image needs at least one tag
                </label>
              </fieldset>
              <AttributeList schema={schema} scope="image" scopeLabel="the image" onPropose={propose} />
            </div>
          )}
          {tab === 'json' && <JsonView key={revision} schema={schema} onPropose={propose} />}
          {tab === 'history' && (
            <table className="history-table" aria-label="Schema versions">
              <thead>
                <tr>
                  <th>Version</th>
                  <th>Change</th>
                  <th>By</th>
                  <th>When</th>
                </tr>
              </thead>
              <tbody>
                {versions.map((v) => (
                  <tr key={v.version} data-version={v.version}>
                    <td>{v.version}</td>
                    <td>{v.message}</td>
                    <td>{v.author}</td>
                    <td>{formatWhen(v.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      {proposal && (
        <ChangeDialog
          title={proposal.title}
          preview={proposal.preview}
          busy={busy}
          onCancel={() => {
            setProposal(null);
            setRevision((r) => r + 1);
          }}
          onApply={() => void apply()}
        />
      )}
    </main>
  );
}
