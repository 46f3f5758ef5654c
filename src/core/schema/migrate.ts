/**
 * Schema changes applied: to the schema document, to annotation records (one image at a time), and
 * counted over a project before the user confirms them, with the words the user sees.
 *
 * The public entry point; each idea lives in `./migration/`: `schemaChanges.ts` and `attributeChanges.ts`
 * (the new schema or a refusal), `plan.ts` (the per-change decision shared by records and impact),
 * `records.ts` (how records move, and why undo needs no inverse), `impact.ts` (the preview's counts and
 * summary), `describe.ts` (the version history's line); `lookup.ts` and `words.ts` serve them all.
 */

export { applyChangeToSchema } from './migration/schemaChanges';
export type { SchemaChangeResult } from './migration/schemaChangeResult';
export { migrateRecord } from './migration/records';
export type { MigrationContext } from './migration/records';
export { changeImpact } from './migration/impact';
export type { ChangeImpact } from './migration/impact';
export { describeChange } from './migration/describe';
