import type { ActiveSteps, StepChangeReport, StepObserver } from '@steptrail/domain';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * The step metrics every process that changes steps exposes, API and worker alike (docs/architecture.md#metrics):
 * transitions, run durations, retries, lease expiries and stalls, counted from committed changes whoever made
 * them, and the runnable / in-progress gauges read from the database at scrape time.
 */
export class StepMetrics implements StepObserver {
  private readonly transitions: Counter<'step' | 'status'>;
  private readonly durations: Histogram<'step' | 'outcome'>;
  private readonly retries: Counter<'step'>;
  private readonly leaseExpiries: Counter<'step'>;
  private readonly stalls: Counter<'step'>;

  constructor(registry: Registry, countActive: () => Promise<readonly ActiveSteps[]>) {
    const registers = [registry];
    this.transitions = new Counter({
      name: 'steptrail_step_transitions_total',
      help: 'Step status changes committed by this process, by step name and new status.',
      labelNames: ['step', 'status'],
      registers,
    });
    this.durations = new Histogram({
      name: 'steptrail_step_duration_seconds',
      help: 'How long a run of a step took, from its start event to the event that ended it, by step and outcome.',
      labelNames: ['step', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
      registers,
    });
    this.retries = new Counter({
      name: 'steptrail_step_retries_total',
      help: 'Failed steps re-queued for another attempt (by the worker or on request), by step.',
      labelNames: ['step'],
      registers,
    });
    this.leaseExpiries = new Counter({
      name: 'steptrail_lease_expiries_total',
      help: "Steps whose worker's lease expired (re-queued or failed), by step.",
      labelNames: ['step'],
      registers,
    });
    this.stalls = new Counter({
      name: 'steptrail_step_stalls_total',
      help: 'In-progress steps failed as stalled (no event or heartbeat within their window), by step.',
      labelNames: ['step'],
      registers,
    });
    new Gauge({
      name: 'steptrail_steps_active',
      help: 'Steps runnable (pending, due, of a managed file) and in progress, by step, read at scrape time.',
      labelNames: ['step', 'state'],
      registers,
      async collect() {
        this.reset();
        for (const active of await countActive()) {
          this.set({ step: active.stepName, state: 'runnable' }, active.runnable);
          this.set({ step: active.stepName, state: 'in_progress' }, active.inProgress);
        }
      },
    });
  }

  committed(changes: readonly StepChangeReport[]): void {
    for (const change of changes) {
      const step = change.stepName;
      this.transitions.inc({ step, status: change.to });
      if (change.runMs !== null && change.to !== 'in_progress')
        this.durations.observe({ step, outcome: change.to }, change.runMs / 1000);
      if (change.cause === 'retry') this.retries.inc({ step });
      if (change.cause === 'lease_expired') this.leaseExpiries.inc({ step });
      if (change.cause === 'stalled') this.stalls.inc({ step });
    }
  }
}
