import type { EventReceipt, EventReceiptStore } from '../ports/event-receipt-store.js';
import { StoreError } from '../ports/store-error.js';
import type { MemoryState } from './memory-state.js';

const keyOf = (fileId: number, eventId: string): string => `${fileId}\u0000${eventId}`;

/** EventReceiptStore over a MemoryState: the map's key is the unique key (file, event id). */
export class MemoryReceipts implements EventReceiptStore {
  constructor(private readonly state: () => MemoryState) {}

  async find(fileId: number, eventIds: readonly string[]): Promise<EventReceipt[]> {
    return eventIds.flatMap((eventId) => {
      const receipt = this.state().receipts.get(keyOf(fileId, eventId));
      return receipt === undefined ? [] : [structuredClone(receipt)];
    });
  }

  async record(receipts: readonly EventReceipt[]): Promise<void> {
    const stored = this.state().receipts;
    const keys = receipts.map((receipt) => keyOf(receipt.fileId, receipt.eventId));
    if (new Set(keys).size !== keys.length || keys.some((key) => stored.has(key))) {
      throw new StoreError(
        'unique_violation',
        'An event receipt with this file and event id exists already.',
      );
    }
    for (const [index, receipt] of receipts.entries())
      stored.set(keys[index] ?? '', structuredClone(receipt));
  }

  async deleteForFile(fileId: number): Promise<number> {
    const stored = this.state().receipts;
    const mine = [...stored.values()].filter((receipt) => receipt.fileId === fileId);
    for (const receipt of mine) stored.delete(keyOf(fileId, receipt.eventId));
    return mine.length;
  }
}
