import { StepBadge, stepLook } from '../components/status.js';
import { formatDuration, fullTime, stepLabel } from '../format.js';
import type { Segment, StepTimeline, Timeline } from '../timeline.js';

// Bars on one time axis per file: hatched while a step waited (queued, or backing off before a retry), solid while
// it ran, coloured by how each attempt ended (docs/architecture.md#dashboard).

function Bar({ segment, timeline }: { segment: Segment; timeline: Timeline }) {
  const span = timeline.end - timeline.start;
  const left = ((segment.from - timeline.start) / span) * 100;
  const width = ((segment.to - segment.from) / span) * 100;
  const tone =
    segment.kind === 'wait' ? 'wait' : segment.outcome === null ? 'running' : stepLook(segment.outcome).tone;
  const what =
    segment.kind === 'wait'
      ? 'waited'
      : segment.outcome === null
        ? 'running for'
        : `${segment.outcome} after`;
  return (
    <span
      class={`bar bar-${segment.kind} tone-${tone}${segment.open ? ' bar-open' : ''}`}
      style={{ left: `${left}%`, width: `${width}%` }}
      title={`${what} ${formatDuration(segment.to - segment.from)} (from ${fullTime(new Date(segment.from).toISOString())})`}
    />
  );
}

function StepRow({ step, timeline }: { step: StepTimeline; timeline: Timeline }) {
  const { state } = step;
  const facts = [
    step.runMs > 0 || state.startedAt !== null ? `ran ${formatDuration(step.runMs)}` : null,
    step.waitMs > 0 ? `waited ${formatDuration(step.waitMs)}` : null,
    state.attempts > 0 ? `${state.attempts} attempt${state.attempts === 1 ? '' : 's'}` : null,
    step.errors > 0 ? `${step.errors} error${step.errors === 1 ? '' : 's'}` : null,
    step.retries > 0 ? `${step.retries} retr${step.retries === 1 ? 'y' : 'ies'}` : null,
  ].filter((fact) => fact !== null);
  return (
    <li class="step-row" data-step={step.name}>
      <div class="step-name">
        <span title={step.name}>{stepLabel(step.name)}</span>
        <StepBadge status={state.status} />
      </div>
      <div class="track" aria-hidden="true">
        {step.segments.map((segment, index) => (
          <Bar key={index} segment={segment} timeline={timeline} />
        ))}
      </div>
      <div class="step-facts">
        {facts.length > 0 ? facts.join(' · ') : null}
        {state.stoppedBy !== null ? (
          <span class="stopped">
            {facts.length > 0 ? ' · ' : ''}stopped until {stepLabel(state.stoppedBy)} is retried
          </span>
        ) : facts.length === 0 ? (
          <span class="muted">not started</span>
        ) : null}
      </div>
      {state.errorMessage !== null ? <p class="step-error">{state.errorMessage}</p> : null}
    </li>
  );
}

export function TimelineView({ timeline }: { timeline: Timeline }) {
  const total = timeline.end - timeline.start;
  const hasSteps = timeline.lanes.some((lane) => lane.steps.length > 0);
  return (
    <section class="panel timeline" aria-labelledby="timeline-heading">
      <div class="panel-head">
        <h2 id="timeline-heading">Timeline</h2>
        <span class="legend">
          <span class="legend-item">
            <span class="swatch bar-wait" /> waiting
          </span>
          <span class="legend-item">
            <span class="swatch tone-good" /> ran
          </span>
          <span class="muted">0 – {formatDuration(total)}</span>
        </span>
      </div>
      {!hasSteps ? (
        <p class="muted">
          No steps yet. A managed file gets its steps when the worker picks it up; an external pipeline
          reports them with <code>POST /api/files/:id/events</code>.
        </p>
      ) : (
        timeline.lanes
          .filter((lane) => lane.steps.length > 0)
          .map((lane) => (
            <div class="lane" key={lane.id} data-lane={lane.id}>
              <h3>{lane.title}</h3>
              <ol class="steps">
                {lane.steps.map((step) => (
                  <StepRow key={step.name} step={step} timeline={timeline} />
                ))}
              </ol>
            </div>
          ))
      )}
    </section>
  );
}
