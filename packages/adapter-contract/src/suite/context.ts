import type { Store } from '@steptrail/domain';
import type { ContractBackend, RawAccess } from '../harness.js';

/** What every topic of the suite reaches through; the getters answer once the suite's beforeAll has run. */
export interface ContractContext {
  backend: ContractBackend;
  /** The primary store. */
  store(): Store;
  /** An independent store on the same database (the same store on single-writer backends). */
  secondStore(): Store;
  raw(): RawAccess;
}

/** A topic of the suite: registers its own `describe` block. */
export type ContractTopic = (context: ContractContext) => void;
