import { domainError, err, ok, type DomainError, type Result } from '../result.js';

export const TERMINAL_STEP = 'send_to_all_destinations';

export const DEFAULT_WORKFLOW_STEPS = [
  'hash_file',
  'create_file_record',
  'check_text',
  'extract_text',
  'extract_metadata_with_gpt',
  'embed_metadata_into_pdf',
  'finalize_document_storage',
  TERMINAL_STEP,
] as const;

/** Main steps that count towards status even when a workflow does not list them. */
export const OPTIONAL_MAIN_STEPS = ['check_for_duplicates', 'process_with_ocr', 'compute_embedding'] as const;

const STEP_ALIASES: Readonly<Record<string, string>> = {
  process_with_azure_document_intelligence: 'process_with_ocr',
  send_to_user_destinations: TERMINAL_STEP,
};

export const QUEUE_PREFIX = 'queue_';
export const UPLOAD_PREFIX = 'upload_to_';

/** The canonical name of a step: legacy aliases map to their current names. */
export function normalizeStepName(name: string): string {
  return STEP_ALIASES[name] ?? name;
}

export const isQueueStep = (name: string): boolean =>
  name.startsWith(QUEUE_PREFIX) && name.length > QUEUE_PREFIX.length;
export const isUploadToStep = (name: string): boolean =>
  name.startsWith(UPLOAD_PREFIX) && name.length > UPLOAD_PREFIX.length;
/** `queue_*` and `upload_to_*`: the per-destination steps. */
export const isUploadStep = (name: string): boolean => isQueueStep(name) || isUploadToStep(name);

export function uploadStepNames(destination: string): { queue: string; upload: string } {
  return { queue: `${QUEUE_PREFIX}${destination}`, upload: `${UPLOAD_PREFIX}${destination}` };
}

/** The destination an upload step belongs to, or null for other steps. */
export function destinationOf(stepName: string): string | null {
  if (isUploadToStep(stepName)) return stepName.slice(UPLOAD_PREFIX.length);
  if (isQueueStep(stepName)) return stepName.slice(QUEUE_PREFIX.length);
  return null;
}

const STEP_NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,127}$/;
const DESTINATION_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Names written by steptrail: lower-case words joined by `_`, `-` or `.`, at most 128 characters. */
export function parseStepName(value: unknown): Result<string, DomainError> {
  if (typeof value === 'string' && STEP_NAME_PATTERN.test(value)) return ok(value);
  return err(
    domainError(
      'INVALID_STEP_NAME',
      `Invalid step name ${JSON.stringify(value)}: use 1 to 128 characters of a-z, 0-9, '_', '-' or '.', starting with a letter or digit.`,
      { received: value },
    ),
  );
}

export function parseDestination(value: unknown): Result<string, DomainError> {
  if (typeof value === 'string' && DESTINATION_PATTERN.test(value)) return ok(value);
  return err(
    domainError(
      'INVALID_STEP_NAME',
      `Invalid destination ${JSON.stringify(value)}: use 1 to 64 characters of a-z, 0-9, '_' or '-', starting with a letter or digit.`,
      { received: value },
    ),
  );
}
