// Lookups in ganlab.schema (the Python Config fields and the session options).

export function field(schema, name) {
  const found = schema.config.find((f) => f.name === name) ?? schema.options.find((f) => f.name === name);
  if (!found) throw new Error(`the schema has no setting ${name}`);
  return found;
}

export const choices = (schema, name) => field(schema, name).choices;
