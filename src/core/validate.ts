/**
 * Validation of run files against the versioned JSON Schema.
 *
 * The validator is generated from `run.v2.schema.json` at build time by Ajv's
 * standalone mode (scripts/compile-run-schema.mjs): compiled once, shipped as
 * plain code, no `new Function` on the page.
 */
import { RUN_SCHEMA_VERSION, type IRunRecord } from './run';
import {
  validateRunV2,
  type IValidationError
} from './schema/validateRun.generated.js';

/** The outcome of reading one run file. */
export type RunParseResult =
  { ok: true; run: IRunRecord } | { ok: false; reason: string };

/** Check that `data` is a valid run record of the current schema version. */
export function validateRun(data: unknown): RunParseResult {
  if (validateRunV2(data)) {
    return { ok: true, run: data as IRunRecord };
  }
  return { ok: false, reason: describeErrors(validateRunV2.errors) };
}

/**
 * Parse and validate the text of a run file. Never throws: a bad file becomes
 * a reason that names what is wrong, so the caller can warn and move on.
 */
export function parseRunFile(text: string): RunParseResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `not valid JSON (${(e as Error).message})` };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, reason: 'not a JSON object' };
  }
  const version = (data as { schemaVersion?: unknown }).schemaVersion;
  if (typeof version === 'number' && version > RUN_SCHEMA_VERSION) {
    return {
      ok: false,
      reason: `written by a newer jupyterlab-runs (schema version ${version}, this version reads up to ${RUN_SCHEMA_VERSION})`
    };
  }
  return validateRun(data);
}

function describeErrors(errors: IValidationError[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) {
    return 'does not match the run schema';
  }
  const where = first.instancePath || '(root)';
  const extra =
    first.keyword === 'additionalProperties'
      ? ` '${String(first.params.additionalProperty)}'`
      : '';
  return `${where} ${first.message ?? 'is invalid'}${extra}`;
}
