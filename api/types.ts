import type { Logger } from '../lib/logger';
import type { Role } from '../domain/roles';

/** The caller, loaded from the User table for every authenticated request. */
export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  countryCode: string | null;
  institutionId: string | null;
  expertId: string | null;
  language: string;
  /** The token this request came with: one of the API's own (session or personal, by id), or a signed JWT. */
  via?: { kind: 'session' | 'personal'; tokenId: string } | { kind: 'dev' | 'oidc' };
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      requestId: string;
      log: Logger;
      user?: AuthUser;
    }
  }
}
