/** The people who label and review on this machine: local profiles with a role, no accounts or server. */

import type { Brand } from '../ids';

export type UserId = Brand<string, 'UserId'>;

/** What a person does here; a QA lead also reviews, a reviewer also labels. */
export const ROLES = ['annotator', 'reviewer', 'qa-lead'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  annotator: 'Annotator',
  reviewer: 'Reviewer',
  'qa-lead': 'QA lead',
};

export interface UserProfile {
  readonly id: UserId;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: number;
}

/** Whether a role may accept or reject images and resolve comments. */
export const canReview = (role: Role): boolean => role === 'reviewer' || role === 'qa-lead';
/** Whether a role may hand out work, define rejection reasons and judge batches. */
export const canLead = (role: Role): boolean => role === 'qa-lead';

/**
 * The name to show for an annotation's `createdBy`/`updatedBy`: a profile's name when it is a profile id,
 * otherwise the string as stored (older labels say "local user"; imports and models name themselves).
 */
export function displayName(id: string, users: ReadonlyMap<string, UserProfile>): string {
  return users.get(id)?.name ?? id;
}
