import { z } from 'zod';

/**
 * Names and examples of the schemas the OpenAPI document lists under `components.schemas`.
 * A request body is converted as zod's input type, a response as its output type, so the two
 * live in separate registries. Every route's body and success schema must be named here
 * (api/openapi.ts refuses to build the document otherwise); schemas nested in them are named
 * when they are worth a type of their own for clients (Task inside TaskPage...).
 */
export const requestSchemas = z.registry<{ id: string; example?: unknown }>();
export const responseSchemas = z.registry<{ id: string }>();

/** A named request body with an example that passes it (test/api/openapi.test.ts checks). */
export function requestBody<S extends z.ZodType>(id: string, schema: S, example: z.input<S>): S {
  requestSchemas.add(schema, { id, example });
  return schema;
}

/** A named response schema. */
export function responseBody<S extends z.ZodType>(id: string, schema: S): S {
  responseSchemas.add(schema, { id });
  return schema;
}

/** A value for every parameter, as a client sends it (zod's input type: `'true'`, not `true`). */
type QueryExample<S extends z.ZodObject> = { [K in keyof z.input<S>]-?: Exclude<z.input<S>[K], undefined> };
const queryExamples = new WeakMap<z.ZodType, Record<string, unknown>>();

/** A query-string schema with an example value for each of its parameters. */
export function queryWithExample<S extends z.ZodObject>(schema: S, example: QueryExample<S>): S {
  queryExamples.set(schema, example as Record<string, unknown>);
  return schema;
}

export function queryExampleOf(schema: z.ZodType): Record<string, unknown> | undefined {
  return queryExamples.get(schema);
}

export type JsonSchema = Record<string, unknown>;

/** A zod schema as an inline JSON Schema 2020-12 (what OpenAPI 3.1 uses), without `$schema`. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const out = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as JsonSchema;
  delete out.$schema;
  return out;
}
