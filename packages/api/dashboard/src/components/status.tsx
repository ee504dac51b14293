import type { OverallStatus, StepStatus } from '../types.js';

// Every status shows as colour + icon + word, so it reads without colour vision and in both themes
// (docs/architecture.md#dashboard). Records keyed by the domain's status types stay complete when one is added.

type Icon = 'clock' | 'spin' | 'check' | 'cross' | 'copy' | 'skip' | 'info' | 'question';

interface Look {
  label: string;
  icon: Icon;
  tone: 'neutral' | 'info' | 'good' | 'bad' | 'muted' | 'dup' | 'note';
}

export const OVERALL_LOOK: Record<OverallStatus, Look> = {
  pending: { label: 'Pending', icon: 'clock', tone: 'neutral' },
  processing: { label: 'Processing', icon: 'spin', tone: 'info' },
  failed: { label: 'Failed', icon: 'cross', tone: 'bad' },
  completed: { label: 'Completed', icon: 'check', tone: 'good' },
  duplicate: { label: 'Duplicate', icon: 'copy', tone: 'dup' },
};

/** The overall statuses in the order the dashboard lists them. */
export const OVERALL_STATUSES = Object.keys(OVERALL_LOOK) as OverallStatus[];

export const STEP_LOOK: Record<StepStatus, Look> = {
  pending: { label: 'Pending', icon: 'clock', tone: 'neutral' },
  in_progress: { label: 'Running', icon: 'spin', tone: 'info' },
  success: { label: 'Success', icon: 'check', tone: 'good' },
  failure: { label: 'Failure', icon: 'cross', tone: 'bad' },
  skipped: { label: 'Skipped', icon: 'skip', tone: 'muted' },
};

const NOTE_LOOK: Look = { label: 'Note', icon: 'info', tone: 'note' };

/** A step status as stored: legacy rows may hold words outside the set, shown as they are. */
export function stepLook(status: string | null): Look {
  if (status === null) return NOTE_LOOK;
  const known = (STEP_LOOK as Record<string, Look | undefined>)[status.toLowerCase()];
  return known ?? { label: status, icon: 'question', tone: 'neutral' };
}

const PATHS: Record<Icon, string> = {
  clock: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13ZM8 4v4.3l2.8 1.7',
  spin: 'M8 1.5A6.5 6.5 0 1 1 1.5 8',
  check: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13ZM5 8.2l2 2 4-4.4',
  cross: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13ZM5.6 5.6l4.8 4.8M10.4 5.6l-4.8 4.8',
  copy: 'M5.5 5.5h8v8h-8zM2.5 10.5v-8h8',
  skip: 'M2.5 4l5 4-5 4zM8.5 4l5 4-5 4z',
  info: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13ZM8 7.2v4M8 4.6v.2',
  question:
    'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13ZM6.2 6.2a1.9 1.9 0 1 1 2.6 1.8c-.6.3-.8.7-.8 1.3M8 11.3v.2',
};

export function StatusIcon({ icon, spinning = true }: { icon: Icon; spinning?: boolean }) {
  return (
    <svg
      class={`icon${icon === 'spin' && spinning ? ' icon-spin' : ''}`}
      viewBox="0 0 16 16"
      width="16"
      height="16"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[icon]} />
    </svg>
  );
}

function Badge({ look, count }: { look: Look; count?: number | undefined }) {
  return (
    <span class={`badge tone-${look.tone}`}>
      <StatusIcon icon={look.icon} />
      <span>{look.label}</span>
      {count === undefined ? null : <span class="badge-count">{count}</span>}
    </span>
  );
}

export const OverallBadge = ({ status, count }: { status: OverallStatus; count?: number }) => (
  <Badge look={OVERALL_LOOK[status]} count={count} />
);

export const StepBadge = ({ status }: { status: string | null }) => <Badge look={stepLook(status)} />;

export { Badge, type Look };
