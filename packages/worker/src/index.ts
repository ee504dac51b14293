export { loadWorkerConfig, parseWorkerConfig, type WorkerConfig, type OpenAiConfig } from './config.js';
export { prepareWorkerDirectories, startWorker, type RunningWorker } from './start-worker.js';
export { buildWorkerContainer, WORKER_TOKENS, type WorkerOverrides, type BuiltWorker } from './container.js';
export { PermanentError, isPermanentError } from './engine/permanent-error.js';
export type { StopReport } from './engine/worker-engine.js';
export { HandlerRegistry, BoundHandlers } from './handlers/handler-registry.js';
export type { RegisterHandlers } from './handlers/plugins.js';
export {
  success,
  skipped,
  type StepContext,
  type StepHandler,
  type StepLogger,
  type StepResult,
  type PipelineControl,
} from './handlers/step-handler.js';
export { FileArtifacts } from './handlers/file-artifacts.js';
export type { Destination } from './destinations/destination.js';
export { destinationConfigSchema, type DestinationConfig } from './destinations/destination-config.js';
