import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../lib/db';

/**
 * Opaque bearer tokens the API issues itself (table ApiToken): `rud_s_…` for sessions (the web
 * app's, or an API client's after an e-mail link), `rud_p_…` for personal API tokens. The token
 * is 32 random bytes; only its SHA-256 is stored, so the table alone signs no one in.
 */
export type TokenKind = 'session' | 'personal';

const PREFIX: Record<TokenKind, string> = { session: 'rud_s_', personal: 'rud_p_' };
export const OPAQUE_TOKEN = /^rud_(s|p)_[A-Za-z0-9_-]{43}$/;

export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export interface IssuedToken {
  id: string;
  token: string;
  expiresAt: Date;
}

export async function issueToken(
  prisma: Pick<PrismaClient, 'apiToken'>,
  input: { userId: string; role: string; kind: TokenKind; name: string; expiresAt: Date },
): Promise<IssuedToken> {
  const token = `${PREFIX[input.kind]}${newSecret()}`;
  const id = randomUUID();
  await prisma.apiToken.create({
    data: {
      id,
      userId: input.userId,
      kind: input.kind,
      name: input.name,
      role: input.role,
      tokenHash: sha256Hex(token),
      prefix: token.slice(0, 10),
      expiresAt: input.expiresAt,
      lastUsedAt: input.kind === 'session' ? new Date() : null,
    },
  });
  return { id, token, expiresAt: input.expiresAt };
}

/**
 * Ends every session and token of a user at once: the API's tokens are revoked, and signed
 * tokens (dev, OIDC) issued until now are refused from now on (AccountState.tokensValidAfter).
 * The web app's sessions hold one of these tokens, so they end on their next request.
 */
export async function revokeEverything(
  prisma: PrismaClient,
  userId: string,
  at = new Date(),
): Promise<{ tokens: number }> {
  const [tokens] = await prisma.$transaction([
    prisma.apiToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: at } }),
    prisma.webSession.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: at } }),
    prisma.accountState.upsert({
      where: { userId },
      create: { userId, tokensValidAfter: at },
      update: { tokensValidAfter: at },
    }),
  ]);
  return { tokens: tokens.count };
}
