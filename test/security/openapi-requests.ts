/**
 * Builds a plausible valid request for any operation of the OpenAPI document:
 * ids come from the world by field name, other values from the schema's
 * example, enum, format or type. Only required fields and fields with an
 * example are filled.
 */
type Schema = Record<string, any>;

export interface Operation {
  method: string;
  path: string;
  op: Schema;
}

export function operations(doc: Schema): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries<Schema>(doc.paths)) {
    for (const method of ["get", "post", "put", "patch", "delete"]) if (item[method]) out.push({ method, path, op: item[method] });
  }
  return out;
}

export function resolver(doc: Schema) {
  const resolve = (s: Schema | undefined): Schema => {
    if (!s) return {};
    if (s.$ref) return resolve(doc.components.schemas[s.$ref.split("/").pop()]);
    return s;
  };
  return resolve;
}

/** An id value that leaves the field out of a synthesized body (an optional field its example would fill in, that this request must not send). */
export const OMITTED = Symbol("omitted");

export function synthesize(doc: Schema, operation: Operation, ids: Record<string, unknown>) {
  const resolve = resolver(doc);
  const prefix = operation.path.split("/{")[0]!;
  const known = (name: string) => ids[`${name}@${prefix}`] ?? ids[name];

  const value = (name: string, raw: Schema | undefined, depth = 0): unknown => {
    const k = known(name);
    if (k !== undefined) return k;
    const s = resolve(raw);
    // An object's whole example (a transfer's, say) with the world's ids in place of its placeholder ones.
    if (s.example !== undefined && s.example !== null && typeof s.example === "object" && !Array.isArray(s.example)) {
      const filled: Record<string, unknown> = {};
      for (const [prop, v] of Object.entries<unknown>(s.example)) {
        const k = known(prop);
        if (k !== OMITTED) filled[prop] = k ?? v;
      }
      return filled;
    }
    if (s.example !== undefined) return s.example;
    if (s.default !== undefined) return s.default;
    const options = s.anyOf ?? s.oneOf;
    if (options) return value(name, options[0], depth);
    if (s.allOf) return Object.assign({}, ...s.allOf.map((x: Schema) => value(name, x, depth)));
    if (s.enum) return s.enum[0];
    if (s.const !== undefined) return s.const;
    switch (s.type) {
      case "string":
        if (s.format === "date") return "2024-01-15";
        if (s.format === "date-time") return "2024-01-15T10:00:00Z";
        if (s.format === "email") return ids.email;
        return name === "description" || name === "name" ? "matrix check" : "matrix";
      case "integer":
      case "number":
        return Math.max(1, s.minimum ?? 1);
      case "boolean":
        return false;
      case "array":
        return depth > 4 ? [] : [value(name.replace(/s$/, ""), s.items, depth + 1)];
      case "object":
      default: {
        if (depth > 4 || !s.properties) return {};
        const obj: Record<string, unknown> = {};
        for (const [prop, ps] of Object.entries<Schema>(s.properties)) {
          if (known(prop) === OMITTED) continue;
          const r = resolve(ps);
          if ((s.required ?? []).includes(prop) || r.example !== undefined || known(prop) !== undefined) obj[prop] = value(prop, ps, depth + 1);
        }
        return obj;
      }
    }
  };

  let url = operation.path;
  const query = new URLSearchParams();
  for (const p of operation.op.parameters ?? []) {
    if (p.in === "path") url = url.replace(`{${p.name}}`, encodeURIComponent(String(value(p.name, p.schema))));
    else if (p.in === "query" && (p.required || known(p.name) !== undefined)) query.set(p.name, String(value(p.name, p.schema)));
  }
  const bodySchema = operation.op.requestBody?.content?.["application/json"]?.schema;
  const body = bodySchema ? value("body", bodySchema) : undefined;
  return { url: query.size ? `${url}?${query}` : url, body };
}
