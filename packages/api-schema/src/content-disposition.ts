// Reading the name a download offers (docs/architecture.md#downloads). Plain TypeScript with no imports, so the
// dashboard and the client can take it as a value without bundling zod.

/**
 * The file name in a Content-Disposition header: the RFC 5987 `filename*` (UTF-8) when there is one, else the
 * RFC 6266 `filename`, quoted or a bare token. Null when the header names none.
 */
export function dispositionName(header: string | null): string | null {
  if (header === null) return null;
  const extended = /filename\*\s*=\s*UTF-8''([^;\s]+)/i.exec(header);
  if (extended?.[1] !== undefined) {
    try {
      return decodeURIComponent(extended[1]);
    } catch {
      // Not valid percent-encoding: the plain name still serves.
    }
  }
  const quoted = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(header);
  if (quoted?.[1] !== undefined) return quoted[1].replace(/\\(.)/g, '$1');
  return /filename\s*=\s*([^";\s]+)/i.exec(header)?.[1] ?? null;
}
