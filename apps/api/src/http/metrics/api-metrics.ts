import { OVERALL_STATUSES, type StatusCounts } from '@steptrail/domain';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The API's Prometheus metrics, in a registry of its own (one per container, so tests never share counters). */
export class ApiMetrics {
  readonly registry = new Registry();
  private readonly requestSeconds: Histogram<'method' | 'route' | 'status'>;
  private readonly transitions: Counter<'step' | 'status'>;

  constructor(countFiles: () => Promise<StatusCounts>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'steptrail_api_' });
    this.requestSeconds = new Histogram({
      name: 'steptrail_http_request_duration_seconds',
      help: 'HTTP request latency by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.transitions = new Counter({
      name: 'steptrail_step_transitions_total',
      help: 'Step status changes recorded by this process, by step name and new status.',
      labelNames: ['step', 'status'],
      registers: [this.registry],
    });
    new Gauge({
      name: 'steptrail_files',
      help: 'Files by overall status, read from the status rollup at scrape time.',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        const counts = await countFiles();
        for (const status of OVERALL_STATUSES) this.set({ status }, counts[status]);
      },
    });
  }

  /** Counts one recorded step change. */
  recordTransition(step: string, status: string): void {
    this.transitions.inc({ step, status });
  }

  /** Middleware timing every request under its route pattern (never the raw URL, which would carry ids). */
  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      const stop = this.requestSeconds.startTimer();
      res.on('close', () =>
        stop({ method: req.method, route: res.locals.routePattern, status: String(res.statusCode) }),
      );
      next();
    };
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
