/** The schema as raw JSON: edit with live validation (errors with line and column), then apply as a version. */

import { useMemo, useRef, useState } from 'react';
import { parseSchemaDocument, serializeSchema } from '../../../src/core/schema/document';
import type { SchemaChange } from '../../../src/core/schema/changes';
import type { AnnotationSchema } from '../../../src/core/schema/types';

export function JsonView({
  schema,
  onPropose,
}: {
  schema: AnnotationSchema | null;
  onPropose: (title: string, change: SchemaChange) => void;
}) {
  const original = useMemo(() => (schema ? serializeSchema(schema) : ''), [schema]);
  const [text, setText] = useState(original);
  const area = useRef<HTMLTextAreaElement>(null);
  const parsed = useMemo(() => parseSchemaDocument(text), [text]);
  const changed = text !== original;

  const jumpTo = (line?: number, column?: number) => {
    const element = area.current;
    if (!element || line === undefined) return;
    const lines = text.split('\n');
    const offset =
      lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0) + Math.max(0, (column ?? 1) - 1);
    element.focus();
    element.setSelectionRange(offset, offset + 1);
  };

  return (
    <div className="json-view">
      <textarea
        ref={area}
        className="json-editor"
        spellCheck={false}
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-label="Schema JSON"
        aria-invalid={!parsed.ok}
      />
      <div className="json-status">
        {parsed.ok ? (
          <p className="ok" data-testid="json-valid">
            Valid schema: {parsed.schema.classes.length} classes.
          </p>
        ) : (
          <ul className="json-problems" aria-label="JSON problems">
            {parsed.problems.map((problem, index) => (
              <li key={index}>
                <button type="button" className="link" onClick={() => jumpTo(problem.line, problem.column)}>
                  {problem.line !== undefined
                    ? `line ${problem.line}:${problem.column ?? 1}`
                    : problem.path || '/'}
                </button>{' '}
                <span className="muted">{problem.code}</span> {problem.message}
              </li>
            ))}
          </ul>
        )}
        <div className="editor-actions">
          <button type="button" disabled={!changed} onClick={() => setText(original)}>
            Discard edits
          </button>
          <button
            type="button"
            className="primary"
            disabled={!parsed.ok || !changed}
            onClick={() =>
              parsed.ok &&
              onPropose('Apply JSON', {
                type: 'edit-schema',
                schema: parsed.schema,
                summary: 'Edited the schema as JSON',
              })
            }
          >
            Apply JSON as a new version
          </button>
        </div>
      </div>
    </div>
  );
}
