export const ROLES = ['applicant', 'co_approver', 'fund_manager', 'reviewer', 'expert', 'admin'] as const;
export type Role = (typeof ROLES)[number];

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
