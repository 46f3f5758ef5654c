/** Attribute values that dataset files state as untyped text. */

import type { AttributeValue } from '../annotations/types';

/**
 * An attribute value stated as text with no declared type: `true`/`false` as booleans and decimal numbers
 * as numbers (CVAT's own reader does the same: datumaro cvat/base.py), anything else as text.
 */
export function attributeFromText(text: string): AttributeValue {
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text.trim()) && Number.isFinite(Number(text))) {
    return Number(text);
  }
  return text;
}
