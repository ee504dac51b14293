import { uploadStepNames } from '@steptrail/domain';
import { STORED, required, storedArtifact } from '../documents/artifacts.js';
import type { Destination } from '../destinations/destination.js';
import { skipped, success, type PipelineControl, type StepHandler } from '../handlers/step-handler.js';

/**
 * send_to_all_destinations: adds queue_X and upload_to_X for every destination this worker delivers to and makes
 * the queue steps runnable. Each destination then goes on its own: queue_X makes upload_to_X runnable, and
 * upload_to_X retries on its own, so one slow or broken destination never holds up another. Upload steps the file
 * already has for a destination that is not configured (added through the API) would wait for ever while the file
 * read completed: their queue step fails, naming the destination (docs/architecture.md#upload-steps).
 */
export function sendToAllDestinationsStep(destinations: readonly Destination[]): StepHandler {
  return {
    stepName: 'send_to_all_destinations',
    async run({ pipeline, log }) {
      const names = destinations.map((destination) => destination.name);
      const unknown = await failUnconfigured(pipeline, names);
      const unknownNote = unknown.length === 0 ? '' : `; not configured, failed: ${unknown.join(', ')}`;
      if (names.length === 0)
        return skipped(`No destinations are configured (DESTINATIONS is empty)${unknownNote}`);
      const created = await pipeline.addUploadSteps(names);
      const queued = await pipeline.makeRunnable(
        names.map((name) => uploadStepNames(name).queue),
        (step) => `Queued by send_to_all_destinations (${step.slice('queue_'.length)})`,
      );
      if (created.length === 0)
        await log.note('Upload steps existed already (a re-run); only unscheduled ones were queued');
      return success(
        `Sending to ${names.length} destination(s): ${names.join(', ')}${unknownNote}`,
        `queued: ${queued.join(', ') || 'none new'}`,
      );
    },
  };
}

/** Fails the waiting queue step of every destination the file has that is not configured; returns them. */
async function failUnconfigured(pipeline: PipelineControl, configured: readonly string[]): Promise<string[]> {
  const unknown = (await pipeline.waitingDestinations()).filter((name) => !configured.includes(name));
  const listed =
    configured.length === 0 ? 'DESTINATIONS is empty' : `DESTINATIONS has ${configured.join(', ')}`;
  for (const name of unknown) {
    await pipeline.recordStep(
      uploadStepNames(name).queue,
      'failure',
      `Destination ${name} is not configured on this worker (${listed}): nothing can deliver there. Configure it, then retry this step.`,
    );
  }
  return unknown;
}

/** queue_X: the destination is known to this worker; its upload becomes runnable. */
export function queueStep(destination: Destination): StepHandler {
  const { queue, upload } = uploadStepNames(destination.name);
  return {
    stepName: queue,
    async run({ pipeline }) {
      await pipeline.makeRunnable(
        [upload],
        () => `Upload to ${destination.name} (${destination.type}) queued`,
      );
      return success(`Queued for upload to ${destination.name} (${destination.type})`);
    },
  };
}

/** upload_to_X: delivers the stored document under its processed name. */
export function uploadStep(destination: Destination): StepHandler {
  return {
    stepName: uploadStepNames(destination.name).upload,
    async run({ artifacts, signal }) {
      const stored = await required(
        artifacts.readJson(STORED, storedArtifact),
        'The stored document from finalize_document_storage',
      );
      if (stored.state !== 'done')
        throw new Error('finalize_document_storage has not finished storing the document.');
      const location = await destination.upload(stored.path, stored.name, signal);
      return success(`Uploaded to ${location}`);
    },
  };
}
