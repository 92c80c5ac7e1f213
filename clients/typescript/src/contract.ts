// Checks every answer against docs/openapi.json: its status must be documented for the operation, its body must
// validate (ajv) against the schema the document gives for that status and media type, and every header the
// scenario reads must be declared there. Nothing here changes a request or an answer: the middleware only reads.
import { readFileSync } from "node:fs";
import Ajv, { type ValidateFunction } from "ajv";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import type { Middleware } from "openapi-fetch";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const child = (value: unknown, key: string): Json | undefined => {
  if (!isObject(value)) return undefined;
  const next = value[key];
  return isObject(next) ? next : undefined;
};

const schemasId = "https://contract.invalid/openapi-schemas";

/**
 * The JSON Schema of an OpenAPI schema: `#/components/schemas/X` references point at the shared schema set, and
 * (OpenAPI 3.0 only) `nullable: true` becomes "this schema, or null", as the 3.0 specification means it, also where
 * it stands beside `allOf`/`oneOf` or `enum` (which JSON Schema's own `type: [.., "null"]` would not cover).
 */
function toJsonSchema(node: unknown, openapi30: boolean): unknown {
  if (Array.isArray(node)) return node.map((item) => toJsonSchema(item, openapi30));
  if (!isObject(node)) return node;
  const copy: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (openapi30 && key === "nullable") continue;
    copy[key] =
      key === "$ref" && typeof value === "string" && value.startsWith("#/components/schemas/")
        ? `${schemasId}#/$defs/${value.slice("#/components/schemas/".length)}`
        : toJsonSchema(value, openapi30);
  }
  return openapi30 && node["nullable"] === true ? { anyOf: [copy, { type: "null" }] } : copy;
}

/** What the middleware learnt about one answer. */
interface Seen {
  method: string;
  schemaPath: string;
  status: number;
}

export class ContractViolation extends Error {}

export class Contract<Schemas> {
  private readonly document: Json;
  private readonly ajv: Ajv;
  private readonly openapi30: boolean;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly seen = new WeakMap<Response, Seen>();
  readonly violations: string[] = [];

  constructor(documentPath: string) {
    const parsed: unknown = JSON.parse(readFileSync(documentPath, "utf8"));
    if (!isObject(parsed)) throw new ContractViolation(`${documentPath} is not an OpenAPI document`);
    this.document = parsed;
    const version = typeof parsed["openapi"] === "string" ? parsed["openapi"] : "";
    // OpenAPI 3.1 schemas are JSON Schema 2020-12; 3.0 schemas are draft-07-like, but for `nullable` (see toJsonSchema).
    const options = { strict: false, allErrors: true, validateFormats: true };
    this.ajv = version.startsWith("3.1") ? new Ajv2020(options) : new Ajv(options);
    addFormats(this.ajv);
    this.openapi30 = !version.startsWith("3.1");
    const schemas = child(child(parsed, "components"), "schemas") ?? {};
    const defs: Json = {};
    for (const [name, schema] of Object.entries(schemas)) defs[name] = toJsonSchema(schema, this.openapi30);
    this.ajv.addSchema({ $id: schemasId, $defs: defs });
  }

  /** openapi-fetch middleware: validates each answer as it arrives; the answer itself is passed on untouched. */
  readonly middleware: Middleware = {
    onResponse: async ({ request, response, schemaPath }) => {
      const seen: Seen = { method: request.method.toLowerCase(), schemaPath, status: response.status };
      this.seen.set(response, seen);
      const problems = this.check(seen, response.headers, await response.clone().text());
      if (problems.length > 0) {
        const message = `${request.method} ${schemaPath} answered ${response.status}, not as documented:\n  ${problems.join("\n  ")}`;
        this.violations.push(message);
        throw new ContractViolation(message);
      }
    },
  };

  /**
   * A type guard for one of the document's schemas: true when the value validates against it, and then it has the
   * generated type of that schema (Ajv's typed validation; the guard is the schema, not a promise).
   */
  guard<K extends keyof Schemas & string>(name: K): ValidateFunction<Schemas[K]> {
    return this.ajv.compile<Schemas[K]>({ $ref: `${schemasId}#/$defs/${name}` });
  }

  /** The value of a response header the document declares for this answer; a violation if it is undeclared or absent. */
  header(response: Response, name: string): string {
    const seen = this.seen.get(response);
    if (seen === undefined) throw new ContractViolation(`answer ${response.url} did not go through the contract middleware`);
    const declared = this.responseOf(seen)?.["headers"];
    const declaredNames = isObject(declared) ? Object.keys(declared).map((h) => h.toLowerCase()) : [];
    if (!declaredNames.includes(name.toLowerCase())) {
      throw new ContractViolation(
        `${seen.method.toUpperCase()} ${seen.schemaPath} ${seen.status}: header ${name} is not declared in the document (declared: ${declaredNames.join(", ") || "none"})`,
      );
    }
    const value = response.headers.get(name);
    if (value === null) {
      throw new ContractViolation(`${seen.method.toUpperCase()} ${seen.schemaPath} ${seen.status}: header ${name} is declared but was not sent`);
    }
    return value;
  }

  private responseOf(seen: Seen): Json | undefined {
    const operation = child(child(child(this.document, "paths"), seen.schemaPath), seen.method);
    const responses = child(operation, "responses");
    return this.resolve(child(responses, String(seen.status)) ?? child(responses, `${String(seen.status)[0]}XX`) ?? child(responses, "default"));
  }

  /** An object of the document, following a local `$ref` (`#/components/headers/ETag`, `#/components/responses/...`). */
  private resolve(node: Json | undefined): Json | undefined {
    const ref = node?.["$ref"];
    if (typeof ref !== "string" || !ref.startsWith("#/")) return node;
    let target: Json | undefined = this.document;
    for (const segment of ref.slice(2).split("/")) target = child(target, segment.replace(/~1/g, "/").replace(/~0/g, "~"));
    return this.resolve(target);
  }

  private check(seen: Seen, headers: Headers, body: string): string[] {
    const documented = this.responseOf(seen);
    if (documented === undefined) return [`status ${seen.status} is not documented for this operation`];
    const problems: string[] = [];
    for (const [name, declared] of Object.entries(child(documented, "headers") ?? {})) {
      const declaration = isObject(declared) ? this.resolve(declared) : undefined;
      if (declaration?.["required"] === true && headers.get(name) === null) {
        problems.push(`required header ${name} was not sent`);
      }
    }
    const content = child(documented, "content");
    if (content === undefined || Object.keys(content).length === 0) {
      if (body.length > 0) problems.push(`the document declares no body, but ${body.length} characters came`);
      return problems;
    }
    const mediaType = (headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    const media = child(content, mediaType);
    if (media === undefined) {
      problems.push(`media type '${mediaType}' is not one the document declares (${Object.keys(content).join(", ")})`);
      return problems;
    }
    const schema = media["schema"];
    if (!mediaType.endsWith("json") || schema === undefined) return problems;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      problems.push(`the body is not JSON: ${body.slice(0, 200)}`);
      return problems;
    }
    const key = `${seen.method} ${seen.schemaPath} ${seen.status} ${mediaType}`;
    let validate = this.validators.get(key);
    if (validate === undefined) {
      validate = this.ajv.compile({ allOf: [toJsonSchema(schema, this.openapi30)] });
      this.validators.set(key, validate);
    }
    if (!validate(parsed)) {
      for (const error of validate.errors ?? []) {
        problems.push(`body${error.instancePath} ${error.message ?? "is invalid"} (${error.schemaPath})`);
      }
    }
    return problems;
  }
}
