import { parseStepName } from '@steptrail/domain';
import { z } from 'zod';
import { domainValue, idString, isoDateTime, queryInt, SHORT_TEXT } from './common.schemas.js';

// Heartbeats and the stuck-work listing (docs/architecture.md#stalls).

export const stepParams = z.strictObject({
  id: idString().meta({ description: 'File id' }),
  step: domainValue(parseStepName).meta({ description: 'Step name' }),
});

export const heartbeatBody = z.strictObject({
  taskId: z.string().max(SHORT_TEXT).optional().meta({
    description: 'Who is still working on the step; named by a stall failure if the step stalls later',
  }),
});

export const heartbeatJson = z.strictObject({
  fileId: z.number().int(),
  stepName: z.string(),
  heartbeatAt: isoDateTime,
});

export const stuckQuery = z.strictObject({
  limit: queryInt(1, 500, 100),
  cursor: z.string().max(400).optional().meta({ description: 'nextCursor of the previous page' }),
});

export const stuckStepJson = z
  .strictObject({
    fileId: z.number().int(),
    stepName: z.string(),
    state: z.enum(['stalled', 'ageing']).meta({
      description:
        'stalled: failed (or about to be) by the stall sweep; ageing: listed as a warning, never failed for it',
    }),
    reason: z.enum(['stalled', 'silent', 'unclaimed']).meta({
      description:
        'stalled: in progress with no event or heartbeat for its stall window (the sweep fails it); ' +
        'silent: in progress with no event or heartbeat for STALL_AGEING_PERCENT (50 %) of its window; ' +
        'unclaimed: runnable, but no worker claimed it within the threshold (listed, never failed)',
    }),
    since: isoDateTime.meta({
      description: 'Last event or heartbeat (stalled, silent), or when it became runnable (unclaimed)',
    }),
    ageSeconds: z.number().int(),
    limitSeconds: z.number().int().meta({
      description:
        'The stall window (stalled: passed; silent: when it fails) or the unclaimed threshold passed',
    }),
    lastTouchedBy: z.string().nullable().meta({ description: 'Task id of that last event or heartbeat' }),
    attempts: z.number().int(),
  })
  .meta({ id: 'StuckStep' });

export const stuckPageJson = z.strictObject({
  items: z.array(stuckStepJson),
  nextCursor: z.string().nullable(),
});
