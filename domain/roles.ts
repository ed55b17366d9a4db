import { PROGRAMME_LIST } from './registry';
import type { TASK_KINDS } from './tasks';

type Entry = (typeof PROGRAMME_LIST)[number];
type RolesOf<E> = E extends Entry ? keyof E['roles'] & string : never;

/** Every role: those the programme registry's entries bring (domain/programmes/), in their order. */
export type Role = RolesOf<Entry>;
export const ROLES = [...new Set(PROGRAMME_LIST.flatMap((p) => Object.keys(p.roles)))] as unknown as readonly [
  Role,
  ...Role[],
];

/** Roles that read and never write (the auditor): declared `readOnly` by the registry's entries. */
export const READ_ONLY_ROLES: ReadonlySet<Role> = new Set(
  PROGRAMME_LIST.flatMap((p) =>
    Object.entries(p.roles as Record<string, { readOnly?: true }>)
      .filter(([, r]) => r.readOnly)
      .map(([name]) => name as Role),
  ),
);

/** Compile-time check: every task kind is acted on by a role of the registry. */
type TaskRoles = (typeof TASK_KINDS)[keyof typeof TASK_KINDS]['role'];
export type TaskRolesAreRoles = TaskRoles extends Role ? true : never;
const taskRolesAreRoles: TaskRolesAreRoles = true;
void taskRolesAreRoles;

export const LANGUAGES = ['en', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Who is acting: carried on every decision so validators can check stage + actor. */
export interface Actor {
  userId: string;
  role: Role;
  countryCode?: string | null;
  institutionId?: string | null;
  expertId?: string | null;
}
