import type { EventInput, EventRecorded, Heartbeat } from './api-types.js';

type Send = (event: EventInput) => Promise<EventRecorded>;
type Beat = (taskId: string | undefined) => Promise<Heartbeat>;

/** Extra fields of one report: a detail text, the task that did the work, when it happened. */
export interface ReportExtras {
  detail?: string;
  taskId?: string;
  occurredAt?: Date;
}

/**
 * One step of one file, reported the way a pipeline works: start, then succeed or fail. Each call writes the log row
 * and updates the step in one request (docs/architecture.md#the-client); the answer says whether the step counts.
 */
export class StepReporter {
  constructor(
    readonly fileId: number,
    readonly stepName: string,
    private readonly send: Send,
    private readonly beat: Beat,
    private readonly defaults: ReportExtras = {},
  ) {}

  start(message?: string, extras?: ReportExtras): Promise<EventRecorded> {
    return this.report('in_progress', { message }, extras);
  }

  succeed(message?: string, extras?: ReportExtras): Promise<EventRecorded> {
    return this.report('success', { message }, extras);
  }

  /** An Error gives its message; its stack goes into detail unless detail is given. */
  fail(error: unknown, extras?: ReportExtras): Promise<EventRecorded> {
    const errorMessage = error instanceof Error ? error.message : String(error);
    const stack = error instanceof Error ? error.stack : undefined;
    return this.report(
      'failure',
      { errorMessage },
      { ...(stack === undefined ? {} : { detail: stack }), ...extras },
    );
  }

  skip(message?: string, extras?: ReportExtras): Promise<EventRecorded> {
    return this.report('skipped', { message }, extras);
  }

  /**
   * Tells steptrail the step, started earlier, is still running, so it does not fail it as stalled
   * (docs/architecture.md#stalls). Writes no history row and counts no attempt; 409 when the step is not in progress.
   */
  heartbeat(taskId?: string): Promise<Heartbeat> {
    return this.beat(taskId ?? this.defaults.taskId);
  }

  private report(
    status: string,
    text: { message?: string | undefined; errorMessage?: string },
    extras: ReportExtras = {},
  ): Promise<EventRecorded> {
    const { detail, taskId, occurredAt } = { ...this.defaults, ...extras };
    return this.send({
      stepName: this.stepName,
      status,
      ...(text.message === undefined ? {} : { message: text.message }),
      ...(text.errorMessage === undefined ? {} : { errorMessage: text.errorMessage.slice(0, 16_000) }),
      ...(detail === undefined ? {} : { detail: detail.slice(0, 16_000) }),
      ...(taskId === undefined ? {} : { taskId }),
      ...(occurredAt === undefined ? {} : { occurredAt: occurredAt.toISOString() }),
    });
  }
}
