import type { Clock, FailureTriage, StepTimings, TimeWindow } from '@steptrail/domain';
import type { z } from 'zod';
import { validationError } from '../routing/validation.js';
import { defineRoute, type Route } from '../routing/route.js';
import {
  failureTriageJson,
  failuresQuery,
  stepTimingsJson,
  timingsQuery,
} from '@steptrail/api-schema/insights.schemas.js';
import type { RouteDeps } from './route-deps.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The window a query names, the last 24 hours by default; `from` must come before `to`. */
function windowOf(query: { from?: Date | undefined; to?: Date | undefined }, clock: Clock): TimeWindow {
  const to = query.to ?? clock.now();
  const from = query.from ?? new Date(to.getTime() - DAY_MS);
  if (from.getTime() >= to.getTime()) {
    throw validationError([{ path: 'query.from', code: 'invalid_window', message: 'must be before `to`.' }]);
  }
  return { from, to };
}

const windowJson = (window: TimeWindow) => ({ from: window.from.toISOString(), to: window.to.toISOString() });

function triageJson(triage: FailureTriage): z.input<typeof failureTriageJson> {
  return {
    window: windowJson(triage.window),
    failedSteps: triage.failedSteps,
    truncated: triage.truncated,
    totalGroups: triage.totalGroups,
    groups: triage.groups.map((group) => ({
      step: group.stepName,
      error: group.error,
      example: group.example,
      count: group.count,
      firstSeen: group.firstSeen.toISOString(),
      lastSeen: group.lastSeen.toISOString(),
      sampleFileIds: group.sampleFileIds,
    })),
  };
}

function timingsJson(timings: StepTimings): z.input<typeof stepTimingsJson> {
  return {
    window: windowJson(timings.window),
    sampled: timings.sampled,
    steps: timings.steps.map(({ stepName, ...figures }) => ({ step: stepName, ...figures })),
    total: timings.total,
  };
}

/** What fails most, and how long steps take: read-only views for operators and the dashboard. */
export function insightRoutes({ insights, clock }: RouteDeps): Route[] {
  return [
    defineRoute(
      {
        method: 'get',
        path: '/api/failures',
        operationId: 'failureTriage',
        summary: 'Failed steps grouped by step and normalized error message',
        description:
          'Steps whose current state is failed and that failed within the window, grouped by step and by their ' +
          'error with numbers, ids, paths, hex, uuids and quoted values replaced by placeholders; biggest group ' +
          'first (docs/architecture.md#failure-triage). GET /api/files?status=failed&step=…&error=… lists a ' +
          "group's files; POST /api/retries with the same filter retries them.",
        tag: 'operations',
        scope: 'read',
        schemas: { query: failuresQuery },
        responses: { 200: { description: 'The groups', schema: failureTriageJson } },
        errors: [],
      },
      async ({ query }) => {
        const triage = await insights.failureTriage(windowOf(query, clock), {
          maxGroups: query.limit,
          sampleSize: query.samples,
        });
        return { status: 200, body: triageJson(triage) };
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/api/timings',
        operationId: 'stepTimings',
        summary: 'Per-step duration and queue wait percentiles and throughput over a window',
        description:
          'From the stored history (docs/architecture.md#timings): an attempt lasts from its in_progress event to ' +
          "its success or failure; a start waited since the file's previous event (for a scheduled retry, since " +
          'the time it was scheduled for). p50/p95 are nearest-rank percentiles in milliseconds.',
        tag: 'operations',
        scope: 'read',
        schemas: { query: timingsQuery },
        responses: { 200: { description: 'The timings', schema: stepTimingsJson } },
        errors: [],
      },
      async ({ query }) => ({
        status: 200,
        body: timingsJson(await insights.stepTimings(windowOf(query, clock))),
      }),
    ),
  ];
}
