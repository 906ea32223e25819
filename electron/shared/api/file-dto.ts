// Data shapes of files the core sends to the UI: a file carried by a message, its transfer and what may be previewed.

/**
 * Where a file is. Outgoing: `preparing` (being sealed) → `offered` (waiting for the receiver) → `sending` → `sent`
 * (the receiver checked it). Incoming: `offered` (waiting for the user to accept, above the automatic size) →
 * `receiving` → `received` (hash checked). Either side: `cancelled`, `failed` (see `error`; retry may continue it).
 */
export type FileState = 'preparing' | 'offered' | 'sending' | 'sent' | 'receiving' | 'received' | 'cancelled' | 'failed';

/** What the UI may render inline, decided from the verified bytes (never from the name); SVG and HTML are never previewed. */
export type FilePreview = 'image' | 'audio' | 'video';

/**
 * Why an incoming file stopped. Failed for good: `altered` (the bytes did not match the offer: the file was altered on
 * the way), `gone` (its relay copy expired or was deleted and the sender could not be asked), `protocol` (the sender or
 * relay broke the protocol). Offered although under the automatic size: `over-budget` (its sender, or everyone
 * together, sent a lot in the last 24 hours), `low-disk` (too little free space).
 */
export type FileProblem = 'altered' | 'gone' | 'protocol' | 'over-budget' | 'low-disk';

export interface FileDto {
  /** 128-bit random id, hex. */
  readonly id: string;
  /** A safe base name (no folders, controls or bidi tricks), as it would be saved. */
  readonly name: string;
  readonly size: number;
  /** Sniffed from the bytes, e.g. `image/png`; `application/octet-stream` when unknown. */
  readonly mime: string;
  readonly preview?: FilePreview;
  readonly state: FileState;
  /** Bytes transferred so far (equals `size` once sent or received). */
  readonly bytes: number;
  readonly error?: string;
  readonly problem?: FileProblem;
  /** Where it was last saved (files.save). */
  readonly savedTo?: string;
}

/** A file upload in progress from the UI to the core, before it is sent. */
export interface FileUploadDto {
  readonly upload: string;
  /** Bytes the core holds so far. */
  readonly received: number;
}
