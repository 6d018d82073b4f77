/**
 * A small route registry: each API route is declared once with its zod schemas (path parameters,
 * query, body, responses) and the OpenAPI 3.1 document is generated from those declarations with
 * zod's JSON Schema export (draft 2020-12, which OpenAPI 3.1 uses). Extensions (sweeps, campaigns)
 * add routes the same way (`RouteDef`) and appear in the document with no other change.
 */
import { z } from 'zod';
import { recipeJsonSchema } from '../recipe/schema.ts';
import { ROLLCELL_VERSION } from '../version.ts';
import { problemResponseSchema } from './schemas.ts';

export type Method = 'get' | 'post' | 'put' | 'delete';

export interface ResponseDef {
  description: string;
  /** zod schema of a JSON body, or a media type with a plain description */
  schema?: z.ZodType;
  contentType?: string;
}

export interface RouteDef {
  method: Method;
  /** Hono-style path: /api/runs/:id */
  path: string;
  summary: string;
  tags: string[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** the request body is the recipe (documented as the Recipe component) */
  bodyIsRecipeText?: boolean;
  responses: Partial<Record<number, ResponseDef>>;
  /** state-changing: needs the token header when the server is not on loopback */
  mutates?: boolean;
}

const jsonSchema = (s: z.ZodType): Record<string, unknown> => {
  const out = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete out['$schema'];
  return out;
};

const openapiPath = (p: string): string => p.replace(/:([A-Za-z_]+)/g, '{$1}');

export function openApiDocument(
  routes: readonly RouteDef[],
  opts: { tokenRequired: boolean },
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const op: Record<string, unknown> = { summary: r.summary, tags: r.tags, operationId: `${r.method}_${r.path}` };
    const parameters: Record<string, unknown>[] = [];
    const addParams = (obj: z.ZodObject | undefined, where: 'path' | 'query') => {
      if (!obj) return;
      const js = jsonSchema(obj) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(js.properties ?? {}))
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (js.required ?? []).includes(name),
          schema,
          ...((schema as { description?: string }).description
            ? { description: (schema as { description?: string }).description }
            : {}),
        });
    };
    addParams(r.params, 'path');
    addParams(r.query, 'query');
    if (parameters.length) op['parameters'] = parameters;
    if (r.body) op['requestBody'] = { required: true, content: { 'application/json': { schema: jsonSchema(r.body) } } };
    const responses: Record<string, unknown> = {};
    for (const [code, def] of Object.entries(r.responses)) {
      if (!def) continue;
      const ct = def.contentType ?? 'application/json';
      responses[code] = {
        description: def.description,
        ...(def.schema
          ? { content: { [ct]: { schema: jsonSchema(def.schema) } } }
          : def.contentType
            ? { content: { [ct]: {} } }
            : {}),
      };
    }
    for (const code of ['400', '404', '409', '413', '422'])
      if (!(code in responses))
        responses[code] = {
          description: 'Problem',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        };
    op['responses'] = responses;
    if (r.mutates)
      op['description'] =
        'State-changing: when the server is bound to a non-loopback address, send the token in the X-Rollcell-Token header.';
    (paths[openapiPath(r.path)] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'rollcell API',
      version: ROLLCELL_VERSION,
      description:
        'HTTP API of `rollcell serve`: recipes (validate, store, version), runs (start, follow by ' +
        'server-sent events, read, compare, export), materials, single-cell experiments. Errors are ' +
        'RFC 9457 problem details carrying the CLI’s Problem values.',
    },
    paths,
    components: {
      schemas: { Problem: jsonSchema(problemResponseSchema), Recipe: recipeJsonSchema() },
      securitySchemes: { token: { type: 'apiKey', in: 'header', name: 'X-Rollcell-Token' } },
    },
    ...(opts.tokenRequired ? { security: [{ token: [] }] } : {}),
  };
}
