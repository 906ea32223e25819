// Refuses a group message seen before, by (sender, distribution id, chain id, iteration), in bounded space per chain.
import { decode, encode } from '@msgpack/msgpack';
import { z } from 'zod';
import { SignalRecordError } from '../signal/index.js';
import { ReplayedGroupMessageError } from './errors.js';
import type { KeyValueStore } from './key-value-store.js';

/** What identifies one group message: a sender key chain steps once per message, so the iteration is unique in it. */
export interface GroupMessageKey {
  readonly sender: string;
  readonly distributionId: string;
  readonly chainId: number;
  readonly iteration: number;
}

/**
 * Iterations skipped over and still awaited per chain. libsignal keeps as many skipped message keys (2000), so an
 * iteration older than these could not be decrypted anyway.
 */
const MAX_AWAITED = 2000;

/**
 * Per chain: the first and highest iterations received, and those between not received yet. An iteration below
 * `low` is left to libsignal, which holds no key for it unless it is a late message never read, and refuses a
 * second reading as a duplicate.
 */
const chainRecord = z
  .object({ low: z.number().int().min(0), high: z.number().int().min(0), awaited: z.array(z.number().int().min(0)).max(MAX_AWAITED) })
  .strict();
type ChainRecord = z.infer<typeof chainRecord>;

export function dedupKeyString(key: GroupMessageKey): string {
  return `${key.sender}/${key.distributionId}/${key.chainId}/${key.iteration}`;
}

/** Chain records are written through and also kept decoded: one instance owns them while the store is open. */
export class ReplayGuard {
  readonly #store: KeyValueStore;
  readonly #records = new Map<string, ChainRecord>();

  constructor(store: KeyValueStore) {
    this.#store = store;
  }

  /** Throws {@link ReplayedGroupMessageError} if `key` was recorded before. */
  async check(key: GroupMessageKey): Promise<void> {
    const record = await this.#read(key);
    if (record === undefined || key.iteration < record.low) return;
    if (key.iteration <= record.high && !record.awaited.includes(key.iteration)) {
      throw new ReplayedGroupMessageError(dedupKeyString(key));
    }
  }

  /** Records `key` as received: call only once the message decrypted, so forgeries cannot fill the record. */
  async record(key: GroupMessageKey): Promise<void> {
    const record = await this.#read(key);
    const { iteration } = key;
    let next: ChainRecord;
    if (record === undefined) next = { low: iteration, high: iteration, awaited: [] };
    else if (iteration < record.low) return;
    else if (iteration > record.high) {
      const skipped = range(Math.max(record.high + 1, iteration - MAX_AWAITED), iteration);
      next = { low: record.low, high: iteration, awaited: [...record.awaited, ...skipped].slice(-MAX_AWAITED) };
    } else next = { ...record, awaited: record.awaited.filter((awaited) => awaited !== iteration) };
    await this.#store.put(chainKey(key), encode(next));
    this.#records.set(chainKey(key), next);
  }

  async #read(key: GroupMessageKey): Promise<ChainRecord | undefined> {
    const storeKey = chainKey(key);
    const known = this.#records.get(storeKey);
    if (known !== undefined) return known;
    const bytes = await this.#store.get(storeKey);
    if (bytes === undefined) return undefined;
    try {
      const record = chainRecord.parse(decode(bytes));
      this.#records.set(storeKey, record);
      return record;
    } catch (error) {
      throw new SignalRecordError('group-replay', storeKey, { cause: error });
    }
  }
}

const chainKey = (key: GroupMessageKey): string => `group-seen/${key.sender}/${key.distributionId}/${key.chainId}`;

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}
