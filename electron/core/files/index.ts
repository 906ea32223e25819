// Public surface of file transfer's foundation: safe names, type sniffing, encrypted records, resumable receiving.
export { DEFAULT_FILE_NAME, DEFAULT_MAX_NAME_BYTES, safeFileName, uniqueFileName, type SafeFileNameOptions } from './safe-file-name.js';
export { SNIFF_BYTES, UNKNOWN_TYPE, sniffFileType, sniffType, type PreviewClass, type SniffedType } from './sniff-type.js';
export {
  FILE_KEY_BYTES,
  FileRecordOpener,
  RECORD_PLAINTEXT_BYTES,
  RECORD_TAG_BYTES,
  SEALED_RECORD_BYTES,
  checkRecordContext,
  newFileKey,
  openRecord,
  recordCount,
  recordPlaintextBytes,
  sealRecord,
  sealRecords,
  sealedFileSize,
  type FileRecordContext,
} from './file-records.js';
export { DEFAULT_CHECKPOINT_RECORDS, PartialFile, filePaths, type FilePaths, type PartialFileOptions } from './partial-file.js';
export { readSealedFile, sealedFileSha256 } from './stored-file.js';
export * from './errors.js';
