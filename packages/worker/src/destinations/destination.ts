/** Somewhere finished documents are delivered. One instance per configured destination, shared by its uploads. */
export interface Destination {
  readonly name: string;
  readonly type: string;
  /**
   * Uploads the local file as `remoteName` and returns where it went (a URL or path, for the history). Runs again
   * after a failure or a lost worker, so writing the same name twice must be harmless.
   */
  upload(localPath: string, remoteName: string, signal: AbortSignal): Promise<string>;
  /** Releases connections, at worker shutdown. */
  close?(): Promise<void>;
}
