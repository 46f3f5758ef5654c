/** What `labelloop convert` and `validate` print: counts per label, and problems grouped by reason with a few examples. */

import type { FormatDataset, FormatProblem } from '../../core/formats/types';
import type { DatasetValidation } from '../../core/formats/validateDataset';

export interface ProblemGroup {
  /** The reason with its numbers and quoted names replaced (`class N is out of range…`). */
  readonly reason: string;
  readonly count: number;
  readonly examples: readonly FormatProblem[];
}

/** A reason's shape: the same kind of problem on different lines and values groups together. */
const reasonShape = (reason: string): string =>
  reason
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/'[^']*'/g, "'…'")
    .replace(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi, 'N');

/** Problems grouped by the shape of their reason, most frequent first, with the first `examples` of each. */
export function groupProblems(problems: readonly FormatProblem[], examples = 3): ProblemGroup[] {
  const groups = new Map<string, { count: number; examples: FormatProblem[] }>();
  for (const problem of problems) {
    const shape = reasonShape(problem.reason);
    let group = groups.get(shape);
    if (group === undefined) {
      group = { count: 0, examples: [] };
      groups.set(shape, group);
    }
    group.count++;
    if (group.examples.length < examples) group.examples.push(problem);
  }
  return [...groups]
    .map(([reason, group]) => ({ reason, ...group }))
    .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
}

/** Objects per label, most frequent first (ties by name). */
export function objectsPerLabel(dataset: FormatDataset): Record<string, number> {
  const counts = new Map<string, number>();
  for (const image of dataset.images) {
    for (const a of image.annotations) counts.set(a.label, (counts.get(a.label) ?? 0) + 1);
  }
  return Object.fromEntries(
    [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
  );
}

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

/** The groups as indented lines: `  12× reason` then `      file item: full reason` for each example. */
export function describeProblemGroups(groups: readonly ProblemGroup[]): string {
  let text = '';
  for (const group of groups) {
    text += `  ${group.count}× ${group.reason}\n`;
    for (const p of group.examples) {
      const where = `${p.file}${p.item ? ` ${p.item}` : ''}`;
      text += `      ${where}${p.reason === group.reason ? '' : `: ${p.reason}`}\n`;
    }
    if (group.count > group.examples.length)
      text += `      … and ${group.count - group.examples.length} more\n`;
  }
  return text;
}

export function describeLabels(perLabel: Readonly<Record<string, number>>): string {
  const entries = Object.entries(perLabel);
  if (entries.length === 0) return '';
  const width = Math.max(...entries.map(([, n]) => String(n).length));
  return entries.map(([label, n]) => `  ${String(n).padStart(width)}  ${label}\n`).join('');
}

export interface ConversionSummary {
  readonly from: string;
  readonly to: string;
  readonly input: string;
  readonly output: string;
  readonly images: number;
  readonly objects: number;
  readonly perLabel: Readonly<Record<string, number>>;
  /** Images copied or linked into the output. */
  readonly imagesWritten: number;
  readonly imagesMode: 'copy' | 'hardlink' | 'none';
  readonly task?: string;
  readonly files: number;
  readonly bytes: number;
  readonly readProblems: readonly ProblemGroup[];
  readonly writeProblems: readonly ProblemGroup[];
  readonly problems: number;
}

export function describeConversion(s: ConversionSummary): string {
  const images =
    s.imagesMode === 'none'
      ? 'images not copied (--images none)'
      : `${plural(s.imagesWritten, 'image')} ${s.imagesMode === 'hardlink' ? 'hard-linked' : 'copied'}`;
  let text = `converted ${s.input} (${s.from}) → ${s.output} (${s.to}${s.task ? ` ${s.task}` : ''})\n`;
  text += `${plural(s.images, 'image')}, ${plural(s.objects, 'object')}; ${images}; ${plural(s.files, 'file')}, ${s.bytes.toLocaleString('en')} bytes\n`;
  text += describeLabels(s.perLabel);
  if (s.readProblems.length > 0)
    text += `problems reading the input:\n${describeProblemGroups(s.readProblems)}`;
  if (s.writeProblems.length > 0) {
    text += `left out or changed by the ${s.to} writer:\n${describeProblemGroups(s.writeProblems)}`;
  }
  if (s.problems > 0) {
    text += `${plural(s.problems, 'problem')}: the items above were skipped or changed as described; the rest was written (use --strict to fail instead)\n`;
  }
  return text;
}

export function describeValidation(
  dataset: string,
  v: DatasetValidation,
  readProblems: readonly ProblemGroup[],
): string {
  let text = `${dataset}: ${plural(v.images, 'image')}, ${plural(v.objects, 'object')}\n`;
  for (const u of v.unmapped) text += `error: ${u.message} (${plural(u.objects, 'object')})\n`;
  for (const problem of v.schemaProblems) text += `schema: ${problem}\n`;
  for (const group of v.violations) {
    text += `${group.severity} ${group.code}: ${group.count}\n`;
    for (const e of group.examples) text += `    ${e.image}${e.object ? ` ${e.object}` : ''}: ${e.message}\n`;
    if (group.count > group.examples.length)
      text += `    … and ${group.count - group.examples.length} more\n`;
  }
  if (readProblems.length > 0)
    text += `problems reading the dataset:\n${describeProblemGroups(readProblems)}`;
  text += v.ok
    ? `valid: no errors${v.warnings > 0 ? `, ${plural(v.warnings, 'warning')}` : ''}\n`
    : `invalid: ${plural(v.errors, 'error')}${v.unmapped.length > 0 ? `, ${plural(v.unmapped.length, 'unmapped label')}` : ''}${v.warnings > 0 ? `, ${plural(v.warnings, 'warning')}` : ''}\n`;
  return text;
}
