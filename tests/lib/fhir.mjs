// FHIR R5 validation for the e2e tests: HL7's own JSON schema (`hl7.fhir.r5.core`, from
// the npm registry) under ajv, plus what that schema leaves out and the specification
// requires: the 1..1 primitives (`Consent.status`, `AuditEvent.recorded`) and the codes
// of required bindings, read from the same package's CodeSystems.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv';

const require = createRequire(import.meta.url);
const packageFile = (name) => JSON.parse(readFileSync(require.resolve(`hl7.fhir.r5.core/${name}`), 'utf8'));

const SCHEMA_ID = 'http://hl7.org/fhir/json-schema/5.0';

let ajv;
/** One ajv instance for the run: compiling the 4 MB schema takes seconds. */
function validator() {
  if (!ajv) {
    const schema = packageFile('openapi/fhir.schema.json');
    // The schema is draft-06 with draft-04's `id`; ajv 8 reads `$id`.
    schema.$id = schema.id;
    delete schema.id;
    // FHIR's regexes are not `u`-mode patterns; `strict` would reject its keywords.
    ajv = new Ajv({ strict: false, unicodeRegExp: false, allErrors: true });
    ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
    ajv.addSchema(schema);
  }
  return ajv;
}

/** The codes of a CodeSystem of the package (nested concepts included). */
function codesOf(codeSystem) {
  const codes = new Set();
  const walk = (concepts = []) => concepts.forEach((c) => { codes.add(c.code); walk(c.concept); });
  walk(packageFile(`CodeSystem-${codeSystem}.json`).concept);
  return codes;
}

/** What a resource breaks beyond the schema, by resource type. */
const RULES = {
  Bundle: (bundle, errors) => {
    if (!codesOf('bundle-type').has(bundle.type)) errors.push(`Bundle.type ${bundle.type}`);
    for (const [i, { resource }] of (bundle.entry ?? []).entries()) {
      RULES[resource?.resourceType]?.(resource, errors, `Bundle.entry[${i}].`);
    }
  },
  Consent: (consent, errors, at = '') => {
    if (!codesOf('consent-state-codes').has(consent.status)) errors.push(`${at}Consent.status ${consent.status}`);
    if (consent.decision !== undefined && !codesOf('consent-provision-type').has(consent.decision)) {
      errors.push(`${at}Consent.decision ${consent.decision}`);
    }
  },
  AuditEvent: (event, errors, at = '') => {
    if (typeof event.recorded !== 'string') errors.push(`${at}AuditEvent.recorded is missing`);
    if (event.action !== undefined && !codesOf('audit-event-action').has(event.action)) {
      errors.push(`${at}AuditEvent.action ${event.action}`);
    }
  },
};

/**
 * Why `resource` is not a valid FHIR R5 `definition` (a resource type, `Bundle` by
 * default): the schema's errors and the rules above; empty when it is valid.
 */
export function fhirErrors(resource, definition = 'Bundle') {
  const validate = validator().getSchema(`${SCHEMA_ID}#/definitions/${definition}`);
  const errors = [];
  if (!validate(resource)) {
    // A Bundle entry is checked against every resource type (a oneOf): its own type's
    // errors say what is wrong, the others' are noise.
    const entries = definition === 'Bundle' ? (resource.entry ?? []) : [];
    const own = entries.flatMap(({ resource: r }, i) => schemaErrors(r, r?.resourceType).map((e) => `Bundle.entry[${i}]${e}`));
    errors.push(...(own.length ? own : validate.errors.slice(0, 20).map(describe)));
  }
  RULES[definition]?.(resource, errors);
  return errors;
}

const describe = (e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`;

function schemaErrors(resource, definition) {
  const validate = validator().getSchema(`${SCHEMA_ID}#/definitions/${definition}`);
  if (!validate) return [` has no resource type the schema knows (${definition})`];
  return validate(resource) ? [] : validate.errors.map(describe);
}
