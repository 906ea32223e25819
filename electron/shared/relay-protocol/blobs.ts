// The relay's blob store as data: paths, headers, limits, ids and read capabilities of encrypted files held for readers.
import { z } from 'zod';
import { API_PREFIX, queuePath } from './wire.js';

/** The largest blob a relay holds: one encrypted file. */
export const BLOB_MAX_BYTES = 256 * 1024 * 1024;
/** The largest chunk one upload request carries; an upload is a sequence of chunks at increasing offsets. */
export const BLOB_CHUNK_BYTES = 1024 * 1024;

/** A blob id is 16 random bytes the relay made, base64url (22 characters). */
export const BLOB_ID = /^[A-Za-z0-9_-]{22}$/;
/** A blob's read secret is 32 random bytes the relay made, base64url (43 characters); the relay keeps its hash. */
export const BLOB_SECRET = /^[A-Za-z0-9_-]{43}$/;

/** Header carrying a blob's read secret on a download; the blob id is in the path. */
export const HEADER_BLOB_SECRET = 'x-allium-blob-secret';
/** Header on a chunk refused at the wrong offset, and on every chunk accepted: the bytes the relay holds. */
export const HEADER_BLOB_RECEIVED = 'x-allium-blob-received';

export const blobsPath = (queueId: string): string => `${queuePath(queueId)}/blobs`;
export const blobPath = (queueId: string, blobId: string): string => `${blobsPath(queueId)}/${blobId}`;
/** Where the owner writes a chunk that starts at `offset`. */
export const blobChunkPath = (queueId: string, blobId: string, offset: number): string => `${blobPath(queueId, blobId)}?offset=${String(offset)}`;
export const blobCompletePath = (queueId: string, blobId: string): string => `${blobPath(queueId, blobId)}/complete`;
/** Where a reader downloads a blob with its read capability. */
export const blobDownloadPath = (blobId: string): string => `${API_PREFIX}/blobs/${blobId}`;

/** A read capability as handed to readers: `<blob id>.<secret>`. */
export interface BlobCapabilityParts {
  readonly blobId: string;
  readonly secret: string;
}

export function blobCapability({ blobId, secret }: BlobCapabilityParts): string {
  return `${blobId}.${secret}`;
}

/** Splits a read capability; undefined unless it has the exact form the relay makes. */
export function parseBlobCapability(capability: string): BlobCapabilityParts | undefined {
  const [blobId, secret, ...rest] = capability.split('.');
  if (blobId === undefined || secret === undefined || rest.length > 0 || !BLOB_ID.test(blobId) || !BLOB_SECRET.test(secret)) return undefined;
  return { blobId, secret };
}

export const blobCreateRequestSchema = z.strictObject({ size: z.number().int().positive().max(BLOB_MAX_BYTES) });

export const blobCreatedSchema = z.object({
  blobId: z.string().regex(BLOB_ID),
  /** `<blob id>.<secret>`: what the uploader hands readers; answered once. */
  capability: z.string(),
  size: z.number().int().positive(),
  /** When the relay deletes the blob if its upload is not completed by then (ms since the epoch). */
  expiresAt: z.number().int(),
});

export const blobStatusSchema = z.object({
  blobId: z.string().regex(BLOB_ID),
  size: z.number().int().positive(),
  /** Bytes the relay holds, from the start: an interrupted upload continues here. */
  received: z.number().int().nonnegative(),
  complete: z.boolean(),
  /** Before completion, the upload's deadline; after, when the relay deletes the blob. */
  expiresAt: z.number().int(),
});
export type BlobStatus = z.infer<typeof blobStatusSchema>;

export const blobChunkAcceptedSchema = z.object({ received: z.number().int().nonnegative(), size: z.number().int().positive() });
export const blobDeletedSchema = z.object({ deleted: z.boolean() });

