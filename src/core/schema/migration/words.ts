/** How names and attribute values are written in the sentences a user reads: quoted, with option labels. */

import type { AttributeValue } from '../../annotations/types';
import type { AttributeDefinition } from '../types';

export const q = (text: string): string => `"${text}"`;
export const quoted = (texts: readonly string[]): string => texts.map(q).join(', ');

export function displayValue(attribute: AttributeDefinition | undefined, value: AttributeValue): string {
  const label = (id: string) =>
    attribute && 'options' in attribute ? (attribute.options.find((o) => o.id === id)?.label ?? id) : id;
  if (Array.isArray(value)) return quoted(value.map(label));
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number')
    return `${value.toLocaleString('en')}${attribute?.type === 'number' && attribute.unit ? ` ${attribute.unit}` : ''}`;
  return q(label(value as string));
}
