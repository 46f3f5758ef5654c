/** Local user profiles and who is working on this machine now (one setting), kept in the project database. */

import { ROLES, type Role, type UserId, type UserProfile } from '../../../src/core/qa/people';
import type { LabelLoopDatabase } from './database';
import { newId } from './database';

export const CURRENT_USER_KEY = 'currentUser';

export const listUsers = (db: LabelLoopDatabase): Promise<UserProfile[]> =>
  db.users.orderBy('name').toArray();

/** A new profile; a blank or duplicate name is refused with a message the dialog shows. */
export async function addUser(
  db: LabelLoopDatabase,
  input: { name: string; role: Role },
  now = Date.now(),
): Promise<{ ok: true; user: UserProfile } | { ok: false; message: string }> {
  const name = input.name.trim();
  if (name === '') return { ok: false, message: 'Enter a name.' };
  if (!ROLES.includes(input.role)) return { ok: false, message: `Unknown role "${input.role}".` };
  return db.transaction('rw', db.users, async () => {
    const taken = await db.users.where('name').equalsIgnoreCase(name).first();
    if (taken) return { ok: false as const, message: `There is already a profile named ${taken.name}.` };
    const user: UserProfile = { id: newId<UserId>(), name, role: input.role, createdAt: now };
    await db.users.add(user);
    return { ok: true as const, user };
  });
}

export async function changeRole(db: LabelLoopDatabase, id: UserId, role: Role): Promise<void> {
  await db.users.update(id, { role });
}

/**
 * Adds a profile that arrived with a task bundle (the QA lead's, or the assignee's), keeping its id so the
 * labels made here carry the same person when they go back. An existing profile with that id is kept.
 */
export async function adoptUser(db: LabelLoopDatabase, profile: UserProfile): Promise<UserProfile> {
  return db.transaction('rw', db.users, async () => {
    const existing = await db.users.get(profile.id);
    if (existing) return existing;
    await db.users.add(profile);
    return profile;
  });
}

export async function setCurrentUser(db: LabelLoopDatabase, id: UserId): Promise<void> {
  await db.settings.put({ key: CURRENT_USER_KEY, value: id });
}

/**
 * Who is working: the profile chosen last on this machine. On the first start there is none, so one is
 * made from the system's user name (or "Me") as a QA lead (someone working alone leads their own QA);
 * the header says who it is and switches or adds people.
 */
export async function startingUser(db: LabelLoopDatabase, suggestedName: string, now = Date.now()) {
  return db.transaction('rw', [db.users, db.settings], async (): Promise<UserProfile> => {
    const chosen = await db.settings.get(CURRENT_USER_KEY);
    const current =
      typeof chosen?.value === 'string' ? await db.users.get(chosen.value as UserId) : undefined;
    if (current) return current;
    const first = await db.users.orderBy('createdAt').first();
    const user: UserProfile = first ?? {
      id: newId<UserId>(),
      name: suggestedName.trim() || 'Me',
      role: 'qa-lead',
      createdAt: now,
    };
    if (!first) await db.users.add(user);
    await db.settings.put({ key: CURRENT_USER_KEY, value: user.id });
    return user;
  });
}

/** Profile id → profile, for showing names where labels and entries store ids. */
export async function usersById(db: LabelLoopDatabase): Promise<Map<string, UserProfile>> {
  return new Map((await db.users.toArray()).map((user) => [user.id, user]));
}
