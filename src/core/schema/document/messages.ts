/** How problem messages quote values and name places in a schema document. */

import { childOf, isRecord, splitPointer } from './jsonPointer';

/** A value as quoted in a message, cut short so one long value cannot swamp it. */
export const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

/** How an item of each list is called in messages. */
const ITEM_WORDS: Readonly<Record<string, string>> = {
  classes: 'class',
  attributes: 'attribute',
  imageAttributes: 'image attribute',
  options: 'option',
};

/** Where a pointer is, in words: `Class "Car" › attribute "Occlusion" › default`. */
export function describeLocation(root: unknown, pointer: string): string {
  const parts: string[] = [];
  let node = root;
  let parentKey = '';
  for (const segment of splitPointer(pointer)) {
    const child = childOf(node, segment);
    if (Array.isArray(node)) {
      const item = isRecord(child) ? child : {};
      const label = [item.label, item.name, item.id].find((value) => typeof value === 'string');
      const word = ITEM_WORDS[parentKey];
      parts[parts.length - 1] = word
        ? `${word} ${label === undefined ? Number(segment) + 1 : `"${String(label)}"`}`
        : `${parts[parts.length - 1] ?? ''}[${segment}]`;
    } else parts.push(segment);
    parentKey = segment;
    node = child;
  }
  const text = parts.join(' › ');
  return text === '' ? 'The document' : text.charAt(0).toUpperCase() + text.slice(1);
}
