/**
 * What applying a change to the schema answers: the new schema, or a refusal in the user's words; and the
 * duplicate check both class and attribute refusals use.
 */

import type { AnnotationSchema } from '../types';
import { q } from './words';

export type SchemaChangeResult =
  { readonly ok: true; readonly schema: AnnotationSchema } | { readonly ok: false; readonly message: string };

export const accept = (schema: AnnotationSchema): SchemaChangeResult => ({ ok: true, schema });
export const refuse = (message: string): SchemaChangeResult => ({ ok: false, message });
export const noClass = (id: string): SchemaChangeResult => refuse(`There is no class with id ${q(id)}.`);

/** The first id that appears twice, if any. */
export function repeated(ids: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) return id;
    seen.add(id);
  }
  return undefined;
}
