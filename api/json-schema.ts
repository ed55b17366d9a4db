import { proposalChangesSchema } from '../domain/schemas';
import { decisionData, TASK_KINDS, type DecisionDataKey, type TaskKind } from '../domain/tasks';
import { jsonSchemaOf, type JsonSchema } from './contract';

export type { JsonSchema };

/** The `data` JSON Schema of every decision payload kind, computed once. */
const DATA_SCHEMAS: Record<DecisionDataKey, JsonSchema> = Object.fromEntries(
  (Object.keys(decisionData) as DecisionDataKey[]).map((k) => [
    k,
    k === 'proposalChanges' ? jsonSchemaOf(proposalChangesSchema) : jsonSchemaOf(decisionData[k]),
  ]),
) as Record<DecisionDataKey, JsonSchema>;

export interface DecisionOption {
  decision: string;
  commentRequired: boolean;
  dataSchema: JsonSchema;
}

interface RubricItem {
  key: string;
  label?: string;
  max?: number;
}

/** What a task's assignee may decide, with the JSON Schema of the `data` each decision needs. */
export function decisionOptions(kind: string, context: unknown): DecisionOption[] {
  const spec = (
    TASK_KINDS as Record<string, { decisions: Record<string, { data: DecisionDataKey; commentRequired?: boolean }> }>
  )[kind];
  if (!spec) return [];
  return Object.entries(spec.decisions).map(([decision, d]) => {
    let dataSchema = DATA_SCHEMAS[d.data];
    const rubric = (context as { rubric?: unknown } | null)?.rubric;
    if (d.data === 'score' && Array.isArray(rubric) && rubric.length) {
      // Name the rubric criteria the scores must cover.
      const items = rubric.filter(
        (r): r is RubricItem => typeof r === 'object' && r !== null && typeof (r as RubricItem).key === 'string',
      );
      dataSchema = {
        ...dataSchema,
        properties: {
          ...(dataSchema.properties as JsonSchema),
          scores: {
            type: 'object',
            properties: Object.fromEntries(
              items.map((r) => [
                r.key,
                { type: 'number', minimum: 0, maximum: r.max ?? 100, ...(r.label ? { description: r.label } : {}) },
              ]),
            ),
            required: items.map((r) => r.key),
            additionalProperties: false,
          },
        },
      };
    }
    return { decision, commentRequired: !!d.commentRequired, dataSchema };
  });
}

export function taskLabel(kind: string, language: string): string {
  const spec = (TASK_KINDS as Record<string, { label: string; labelRu: string }>)[kind];
  if (!spec) return kind;
  return language === 'ru' ? spec.labelRu : spec.label;
}

export function isTaskKind(kind: string): kind is TaskKind {
  return Object.prototype.hasOwnProperty.call(TASK_KINDS, kind);
}
