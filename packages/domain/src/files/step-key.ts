/**
 * The one text key of a (file, step) pair, for maps and sets over steps. A file id is an integer, so the separator
 * cannot occur before it and no two steps share a key, whatever their names hold; a log row without a file or a
 * step gets a key no step has.
 */
export const stepKey = (ref: { fileId: number | null; stepName: string | null }): string =>
  `${ref.fileId}\u0000${ref.stepName}`;
