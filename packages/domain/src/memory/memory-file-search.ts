import {
  DEFAULT_FILE_SORT,
  compareSortPositions,
  failedStepMatches,
  fileRowMatches,
  filtersSteps,
  isAfterCursor,
  sortValue,
} from '../files/file-search.js';
import type { FileListQuery, FilePage } from '../ports/file-repository.js';
import type { MemoryState } from './memory-state.js';

/** The file search over the in-memory state, by the domain's own predicates (docs/architecture.md#file-search). */
export function searchFiles(state: MemoryState, query: FileListQuery): FilePage {
  const sort = query.sort ?? DEFAULT_FILE_SORT;
  const withFailedStep = new Set<number>();
  if (filtersSteps(query)) {
    for (const step of state.steps.values())
      if (failedStepMatches(step, query)) withFailedStep.add(step.fileId);
  }
  const sign = sort.direction === 'asc' ? 1 : -1;
  const matches = [...state.files.values()]
    .filter((file) => fileRowMatches(file, query))
    .filter((file) => query.status === undefined || file.rollup.status === query.status)
    .filter((file) => !filtersSteps(query) || withFailedStep.has(file.id))
    .map((file) => ({ file, position: { value: sortValue(file, sort.key), id: file.id } }))
    .filter(({ position }) => query.beforeId === undefined || position.id < query.beforeId)
    .filter(({ position }) => query.after === undefined || isAfterCursor(position, query.after))
    .sort((a, b) => sign * compareSortPositions(a.position, b.position));
  const page = matches.slice(0, query.limit);
  const last = page[page.length - 1];
  const more = matches.length > query.limit && last !== undefined;
  return {
    items: page.map(({ file }) => structuredClone(file)),
    next: more ? { sort, ...last.position } : null,
    nextBeforeId: more && sort.key === 'id' && sort.direction === 'desc' ? last.position.id : null,
  };
}
