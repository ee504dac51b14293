import type { FileRecord } from '../files/file-record.js';
import type { Repositories, UnitOfWork } from '../ports/unit-of-work.js';
import { domainError, err, type DomainError, type Result } from '../result.js';

export const fileNotFound = (fileId: number): DomainError =>
  domainError('FILE_NOT_FOUND', `File ${fileId} does not exist.`, { fileId });

/**
 * Runs `work` in one transaction on the locked file, or answers FILE_NOT_FOUND. Every change to a file's steps goes
 * through here: the lock serialises writers of one file, so its rollup is computed from rows nobody else changes.
 */
export function withLockedFile<T>(
  unitOfWork: UnitOfWork,
  fileId: number,
  work: (repos: Repositories, file: FileRecord) => Promise<Result<T>>,
): Promise<Result<T>> {
  return unitOfWork.transaction(async (repos) => {
    const file = await repos.files.lock(fileId);
    if (file === null) return err(fileNotFound(fileId));
    return work(repos, file);
  });
}
