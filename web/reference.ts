import type { PrismaClient } from '../lib/db';
import type { Lang } from './i18n';

/**
 * Reference data the API does not serve (yet): thematic area and country names and display
 * names of staff in histories. Read-only, non-confidential, cached for a few minutes. Without a
 * database handle the pages fall back to ids. (The reviewers to assign come with the task.)
 */
export interface NamedItem {
  id: string;
  name: string;
  nameRu: string;
}

export interface Reference {
  thematicAreas(): Promise<NamedItem[]>;
  countries(): Promise<NamedItem[]>;
  userNames(ids: string[]): Promise<Map<string, string>>;
}

const TTL_MS = 5 * 60_000;

function cached<T>(load: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  let at = 0;
  return () => {
    if (!value || Date.now() - at > TTL_MS) {
      at = Date.now();
      value = load().catch((err) => {
        value = undefined;
        throw err;
      });
    }
    return value;
  };
}

export function createReference(prisma?: PrismaClient): Reference {
  if (!prisma) {
    return {
      thematicAreas: async () => [],
      countries: async () => [],
      userNames: async () => new Map(),
    };
  }
  const names = new Map<string, { name: string; at: number }>();
  return {
    thematicAreas: cached(async () =>
      (
        await prisma.thematicArea.findMany({ select: { id: true, name: true, nameRu: true }, orderBy: { name: 'asc' } })
      ).map((a) => a),
    ),
    countries: cached(async () =>
      (
        await prisma.country.findMany({ select: { code: true, name: true, nameRu: true }, orderBy: { name: 'asc' } })
      ).map((c) => ({ id: c.code, name: c.name, nameRu: c.nameRu })),
    ),
    async userNames(ids) {
      const out = new Map<string, string>();
      const missing: string[] = [];
      for (const id of new Set(ids)) {
        const hit = names.get(id);
        if (hit && Date.now() - hit.at < TTL_MS) out.set(id, hit.name);
        else missing.push(id);
      }
      if (missing.length) {
        const rows = await prisma.user.findMany({ where: { id: { in: missing } }, select: { id: true, name: true } });
        for (const r of rows) {
          names.set(r.id, { name: r.name, at: Date.now() });
          out.set(r.id, r.name);
        }
      }
      return out;
    },
  };
}

export function nameOf(items: NamedItem[], id: string | null | undefined, lang: Lang): string {
  if (!id) return '';
  const item = items.find((i) => i.id === id);
  if (!item) return regionName(id, lang) ?? id;
  return lang === 'ru' ? item.nameRu : item.name;
}

/** A country outside the reference list (an SDG event's host country): its name from the runtime's ICU data. */
function regionName(code: string, lang: Lang): string | undefined {
  if (!/^[A-Z]{2}$/.test(code)) return undefined;
  try {
    return new Intl.DisplayNames([lang], { type: 'region' }).of(code);
  } catch {
    return undefined;
  }
}
