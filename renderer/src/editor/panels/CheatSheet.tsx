/** The keyboard shortcut overlay: the editor's shortcut table, plus the schema's class and option hotkeys. */

import { useEffect, useMemo, useRef } from 'react';
import type { AnnotationSchema } from '../../../../src/core/schema/types';
import { formatKey, isMacPlatform, keyName, shortcutSections } from '../keymap';
import './panels.css';

export interface CheatSheetProps {
  readonly schema: AnnotationSchema | null;
  readonly onClose: () => void;
}

export function CheatSheet({ schema, onClose }: CheatSheetProps) {
  const sections = useMemo(() => shortcutSections(schema), [schema]);
  const mac = useMemo(isMacPlatform, []);
  const ref = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  }, [onClose]);

  useEffect(() => {
    ref.current?.focus();
    // Capture phase, so while the sheet is open the editor's key handler sees no key at all (it is modal);
    // Escape and ? close it, Tab still moves focus.
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Tab') return;
      event.stopImmediatePropagation();
      const name = keyName(event);
      if (name === 'Escape' || name === '?') {
        event.preventDefault();
        onCloseRef.current();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  return (
    <div className="cheat-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={ref}
        className="cheat-sheet"
        role="dialog"
        aria-modal="true"
        aria-label="Keyboard shortcuts"
        tabIndex={-1}
      >
        <header>
          <h2>Keyboard shortcuts</h2>
          <button type="button" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </header>
        <div className="cheat-columns">
          {sections.map((section) => (
            <section key={section.title} aria-label={section.title}>
              <h3>{section.title}</h3>
              <dl>
                {section.entries.map((entry, index) => (
                  <div key={index} className="cheat-entry">
                    <dt>
                      {entry.keys.map((key) => (
                        <kbd key={key}>{formatKey(key, mac)}</kbd>
                      ))}
                    </dt>
                    <dd>
                      {entry.color !== undefined && (
                        <span className="swatch" style={{ background: entry.color }} aria-hidden="true" />
                      )}
                      {entry.label}
                      {entry.mode === 'drawing' && <span className="muted"> (while drawing)</span>}
                    </dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
        <section className="cheat-mouse" aria-label="Mouse">
          <h3>Mouse</h3>
          <dl>
            {MOUSE.map(([gesture, label]) => (
              <div key={gesture} className="cheat-entry">
                <dt>
                  <kbd>{gesture}</kbd>
                </dt>
                <dd>{label}</dd>
              </div>
            ))}
          </dl>
        </section>
        <p className="muted small">
          Digits pick the first nine drawable classes unless a class has that key: with the Select tool they
          relabel the selection, with a drawing tool they choose what to draw. Option keys apply to the
          selected objects when they are all of one class.
        </p>
      </div>
    </div>
  );
}

const MOUSE: readonly (readonly [string, string])[] = [
  ['Wheel / pinch', 'Zoom at the cursor'],
  ['Space+drag / middle drag', 'Pan'],
  ['Click / Shift+click', 'Select / add to the selection'],
  ['Drag on empty space', 'Select with a rubber band'],
  ['Drag a handle', 'Resize, rotate (rotated box knob) or move a vertex; Shift keeps the aspect'],
  ['Double-click an edge', 'Insert a vertex (polygon, polyline)'],
  ['Alt+click a vertex', 'Delete it; on a keypoint, toggle occluded'],
  ['Drag with the polygon tool', 'Freehand outline, simplified into a polygon'],
  ['Alt+click while placing keypoints', 'Place the keypoint as occluded'],
];
