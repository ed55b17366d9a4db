import { randomUUID } from 'node:crypto';
import type { Prisma } from '../../generated/prisma/client';
import { currentTerms } from '../../domain/terms';
import type { ApiContext } from '../context';
import { validationFailed } from '../errors';
import { issueToken } from './tokens';

/** Shared steps of joining: terms, the session a join ends in, institution name normalisation. */
export function checkTermsVersion(version: string): void {
  if (version !== currentTerms().version)
    throw validationFailed([
      { path: 'termsVersion', message: `the current version is ${currentTerms().version}: read and accept it` },
    ]);
}

export async function recordTerms(
  tx: Pick<Prisma.TransactionClient, 'accountState'>,
  userId: string,
  version: string,
  at = new Date(),
): Promise<void> {
  await tx.accountState.upsert({
    where: { userId },
    create: { userId, termsVersion: version, termsAcceptedAt: at },
    update: { termsVersion: version, termsAcceptedAt: at },
  });
}

/** A session token for someone who has just joined (confirmed a registration, accepted an invitation). */
export async function sessionFor(ctx: ApiContext, user: { id: string; role: string }, how: string) {
  const absoluteMs = ctx.config.SESSION_ABSOLUTE_HOURS * 3_600_000;
  const issued = await issueToken(ctx.prisma, {
    userId: user.id,
    role: user.role,
    kind: 'session',
    name: how,
    expiresAt: new Date(Date.now() + absoluteMs),
  });
  return {
    token: issued.token,
    expiresIn: Math.floor(absoluteMs / 1000),
    idleTimeoutSeconds: ctx.config.SESSION_IDLE_MINUTES * 60,
  };
}

/** Names compared for duplicates: case, quotes, punctuation and legal-form words aside. */
export function normalizeName(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKC')
    .replace(/[«»"'“”„.,()]/g, ' ')
    .replace(/\b(llc|ltd|inc|ooo|ооо|ао|пао|зао|нко|фгбоу|во|фгаоу)\b/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export const normalizeRegNo = (n: string) => n.toUpperCase().replace(/[^A-Z0-9]/g, '');

export const newUserId = () => `u-${randomUUID()}`;
