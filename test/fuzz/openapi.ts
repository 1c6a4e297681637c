// The OpenAPI 3.1 document as the fuzz suite reads it: operations with their parameters, request
// body and declared responses, and one JSON Schema validator per declared response body.
import { Validator } from "@cfworker/json-schema";

/** A JSON Schema node of the document (OpenAPI 3.1 = JSON Schema 2020-12). */
export type Schema = Record<string, any>;

export interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  schema: Schema;
}

export interface Operation {
  method: string;
  /** The path template, e.g. `/v1/licenses/{id}/activations/{activation_id}`. */
  path: string;
  /** `METHOD /path`, the label findings are grouped by. */
  key: string;
  auth: "bearer" | "operator" | "public";
  params: Parameter[];
  /** The JSON request body, when the operation takes one. */
  body?: { schema: Schema; required: boolean; contentTypes: string[] };
  /** Declared statuses: content type to schema (empty for 204/304). */
  responses: Map<number, Map<string, Schema>>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, Schema> };
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]): Operation => {
      const security: Record<string, unknown>[] = op.security ?? [];
      const schemes = security.flatMap((s) => Object.keys(s));
      const responses = new Map<number, Map<string, Schema>>();
      for (const [status, response] of Object.entries<any>(op.responses ?? {})) {
        responses.set(Number(status), new Map(Object.entries<any>(response.content ?? {}).map(([type, media]) => [type, media.schema ?? {}])));
      }
      const content: Record<string, { schema: Schema }> | undefined = op.requestBody?.content;
      return {
        method: method.toUpperCase(),
        path,
        key: `${method.toUpperCase()} ${path}`,
        auth: schemes.includes("bearerAuth") ? "bearer" : schemes.includes("operatorToken") ? "operator" : "public",
        params: (op.parameters ?? []).map((p: any) => ({ name: p.name, in: p.in, required: !!p.required, schema: p.schema ?? {} })),
        body: content?.["application/json"]
          ? { schema: content["application/json"].schema, required: !!op.requestBody.required, contentTypes: Object.keys(content) }
          : undefined,
        responses,
      };
    }),
  );
}

/** Follows `$ref`s into `components.schemas`. */
export function resolver(doc: OpenApiDocument): (schema: Schema) => Schema {
  return (schema) => {
    let current = schema;
    for (let hops = 0; current.$ref !== undefined; hops++) {
      const name = /^#\/components\/schemas\/(.+)$/.exec(current.$ref)?.[1];
      const target = name === undefined ? undefined : doc.components.schemas[name];
      if (!target || hops > 32) throw new Error(`unresolvable $ref ${current.$ref}`);
      current = target;
    }
    return current;
  };
}

/**
 * Validators for response bodies. Each validator's root schema carries the document's
 * `components`, so `#/components/schemas/X` resolves inside it (cfworker indexes every
 * sub-schema of the root by JSON pointer). Cached per (operation, status, content type).
 */
export function responseValidators(doc: OpenApiDocument) {
  const cache = new Map<string, Validator>();
  // A private copy: cfworker annotates the schema objects it dereferences.
  const components = structuredClone(doc.components);
  return (op: Operation, status: number, contentType: string, schema: Schema): Validator => {
    const key = `${op.key} ${status} ${contentType}`;
    let validator = cache.get(key);
    if (!validator) {
      validator = new Validator({ ...structuredClone(schema), components }, "2020-12", false);
      cache.set(key, validator);
    }
    return validator;
  };
}
