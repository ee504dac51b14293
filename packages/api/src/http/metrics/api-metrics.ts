import { OVERALL_STATUSES, type ActiveSteps, type StatusCounts } from '@steptrail/domain';
import { StepMetrics } from '@steptrail/runtime/metrics';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { WebhookObserver } from '../../webhooks/webhook-dispatcher.js';

/** The API's Prometheus metrics, in a registry of its own (one per container, so tests never share counters). */
export class ApiMetrics {
  readonly registry = new Registry();
  private readonly requestSeconds: Histogram<'method' | 'route' | 'status'>;
  /** Step transitions and the rest of the shared step metrics; the container makes it the use-cases' observer. */
  readonly steps: StepMetrics;
  /** Webhook attempts by outcome and receiver latency (docs/architecture.md#webhooks); the dispatcher reports. */
  readonly webhooks: WebhookObserver;

  constructor(countFiles: () => Promise<StatusCounts>, countActive: () => Promise<readonly ActiveSteps[]>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'steptrail_api_' });
    this.requestSeconds = new Histogram({
      name: 'steptrail_http_request_duration_seconds',
      help: 'HTTP request latency by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.steps = new StepMetrics(this.registry, countActive);
    const attempts = new Counter({
      name: 'steptrail_webhook_attempts_total',
      help: 'Webhook delivery attempts by outcome: delivered, pending (will be retried) or failed (gave up).',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
    const latency = new Histogram({
      name: 'steptrail_webhook_latency_seconds',
      help: 'Time from sending a webhook to its answer (or timeout), every attempt.',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    this.webhooks = {
      attempted(outcome, latencyMs) {
        attempts.inc({ outcome });
        latency.observe(latencyMs / 1000);
      },
    };
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
