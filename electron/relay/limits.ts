// The relay's limits, with defaults an operator may change: retention, quotas, rates, disk caps, directory bounds, blobs.

export interface RelayLimits {
  /** How long an undelivered envelope is kept; the depositor is told when it expires. */
  readonly retentionMs: number;
  /** Envelopes one queue may hold before deposits to it are refused. */
  readonly queueMaxMessages: number;
  /** Bytes (padded bodies) one queue may hold. */
  readonly queueMaxBytes: number;
  /** Deposit capabilities one queue may have (one per contact, with room for rotation). */
  readonly queueMaxCapabilities: number;
  /**
   * Bytes the relay's database may hold: envelopes and every row beside them (queues, capabilities, receipts, blob rows,
   * directory listings), each counted at ROW_BYTES. Past it deposits and new queues and capabilities are refused as `relay-full`.
   */
  readonly diskCapBytes: number;
  /** A hard ceiling on the database file (SQLite's max_page_count), 0 for none: writes past it fail as on a full disk. */
  readonly databaseMaxBytes: number;
  /** Leading zero bits of the proof of work a new queue costs when few queues are being created. */
  readonly queueProofBits: number;
  /** Queues created in 10 minutes before the proof asks one more bit per doubling. */
  readonly queueProofLoad: number;
  /** Queues never used (no fetch by the owner, no deposit) the relay holds at once; past it new ones are refused. */
  readonly queueMaxUnused: number;
  /** A queue never used and without any capability is deleted this long after its creation. */
  readonly queueEmptyMs: number;
  /** A queue never used is deleted this long after its creation, whatever it holds. */
  readonly queueUnusedMs: number;
  /** Token bucket per queue for creating capabilities: in a burst, and refilled per second. */
  readonly capabilityCreateBurst: number;
  readonly capabilityCreatePerSecond: number;
  /** Token bucket per deposit capability: deposits in a burst, and refilled per second. */
  readonly capabilityBurst: number;
  readonly capabilityPerSecond: number;
  /** Long-polls waiting at once, per queue and in all. */
  readonly waitingPerQueue: number;
  readonly waitingTotal: number;
  /** How long a directory listing stays without being published again. */
  readonly directoryRetentionMs: number;
  /** Listings the whole directory holds, and listings one owner may hold. */
  readonly directoryMaxListings: number;
  readonly directoryMaxPerOwner: number;
  /** Token buckets for directory registrations and updates: per owner, and for the whole relay. */
  readonly directoryOwnerBurst: number;
  readonly directoryOwnerPerSecond: number;
  readonly directoryGlobalBurst: number;
  readonly directoryGlobalPerSecond: number;
  /** How long a completed blob is kept for its readers. */
  readonly blobRetentionMs: number;
  /** How long an upload may stay unfinished (from its creation) before the blob is deleted. */
  readonly blobUploadMs: number;
  /** Bytes (declared sizes) of the blobs one queue may hold, and how many blobs. */
  readonly blobQueueMaxBytes: number;
  readonly blobQueueMaxCount: number;
  /** Unfinished uploads one queue may have at once, and the whole relay. */
  readonly blobPendingPerQueue: number;
  readonly blobPendingTotal: number;
  /** Bytes actually stored of all blobs together; a chunk or a new blob past it is refused as `relay-full`. */
  readonly blobDiskCapBytes: number;
}

export const DEFAULT_LIMITS: RelayLimits = {
  retentionMs: 30 * 24 * 3_600_000,
  queueMaxMessages: 2_000,
  queueMaxBytes: 64 * 1024 * 1024,
  queueMaxCapabilities: 1_000,
  diskCapBytes: 4 * 1024 * 1024 * 1024,
  databaseMaxBytes: 0,
  queueProofBits: 15,
  queueProofLoad: 30,
  queueMaxUnused: 2_000,
  queueEmptyMs: 3_600_000,
  queueUnusedMs: 7 * 24 * 3_600_000,
  capabilityCreateBurst: 20,
  capabilityCreatePerSecond: 0.1,
  capabilityBurst: 60,
  capabilityPerSecond: 1,
  waitingPerQueue: 4,
  waitingTotal: 1_000,
  directoryRetentionMs: 30 * 24 * 3_600_000,
  directoryMaxListings: 5_000,
  directoryMaxPerOwner: 20,
  directoryOwnerBurst: 10,
  directoryOwnerPerSecond: 1 / 60,
  directoryGlobalBurst: 100,
  directoryGlobalPerSecond: 1,
  blobRetentionMs: 30 * 24 * 3_600_000,
  blobUploadMs: 6 * 3_600_000,
  blobQueueMaxBytes: 1024 * 1024 * 1024,
  blobQueueMaxCount: 1_000,
  blobPendingPerQueue: 4,
  blobPendingTotal: 512,
  blobDiskCapBytes: 16 * 1024 * 1024 * 1024,
};
