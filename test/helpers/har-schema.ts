/**
 * Validates a HAR document against the HAR 1.2 JSON schema of the har-schema package (the one
 * har-validator and HTTP Toolkit use), with formats checked: date-time, uri, ipv4/ipv6.
 */
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import formatsPlugin from 'ajv-formats';

const require = createRequire(import.meta.url);
const schemas = require('har-schema') as Record<string, object>;
const draft06 = require('ajv/dist/refs/json-schema-draft-06.json') as object;

// har-schema uses keywords no draft has ("optional", "min", "unique"): strict mode would refuse them.
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addMetaSchema(draft06);
formatsPlugin.default(ajv);
for (const schema of Object.values(schemas)) ajv.addSchema(schema);
const validate = ajv.getSchema('har.json#')!;

/** What is wrong with the document, one line per problem; empty when it is valid HAR 1.2. */
export function validateHar(doc: unknown): string[] {
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
}
