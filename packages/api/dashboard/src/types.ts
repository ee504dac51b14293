// What the API sends, as the API's own zod schemas describe it, through @steptrail/client's types (one source,
// imported as types only, so nothing of zod or the domain reaches the bundle; docs/architecture.md#dashboard).
import type { FailureTriage, FileDetail, FileList } from '@steptrail/client';

export type { OverallStatus, StepStatus } from '@steptrail/domain';
export type {
  FailureTriage,
  FileChange,
  FileDetail,
  FileList,
  FileWithStatus,
  ListFilesQuery,
  LogEntry,
  LogPage,
  ReadyMessage,
  Retried,
  Steps,
  StepState,
  StepTimings,
} from '@steptrail/client';
export type FileListItem = FileList['items'][number];
export type StatusCounts = FileList['counts'];
export type FileJson = FileDetail['file'];
export type FailureGroup = FailureTriage['groups'][number];
