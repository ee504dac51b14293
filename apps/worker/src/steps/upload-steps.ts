import { uploadStepNames } from '@steptrail/domain';
import { STORED, required, storedArtifact } from '../documents/artifacts.js';
import type { Destination } from '../destinations/destination.js';
import { skipped, success, type StepHandler } from '../handlers/step-handler.js';

/**
 * send_to_all_destinations: adds queue_X and upload_to_X for every destination this worker delivers to and makes
 * the queue steps runnable. Each destination then goes on its own: queue_X makes upload_to_X runnable, and
 * upload_to_X retries on its own, so one slow or broken destination never holds up another.
 */
export function sendToAllDestinationsStep(destinations: readonly Destination[]): StepHandler {
  return {
    stepName: 'send_to_all_destinations',
    async run({ pipeline, log }) {
      if (destinations.length === 0) return skipped('No destinations are configured (DESTINATIONS is empty)');
      const names = destinations.map((destination) => destination.name);
      const created = await pipeline.addUploadSteps(names);
      const queued = await pipeline.makeRunnable(
        names.map((name) => uploadStepNames(name).queue),
        (step) => `Queued by send_to_all_destinations (${step.slice('queue_'.length)})`,
      );
      if (created.length === 0)
        await log.note('Upload steps existed already (a re-run); only unscheduled ones were queued');
      return success(
        `Sending to ${names.length} destination(s): ${names.join(', ')}`,
        `queued: ${queued.join(', ') || 'none new'}`,
      );
    },
  };
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
