// Public surface of file transfer on its own onion stream: the sender that serves offered files, the receiver that fetches and verifies one.
export { FileSender, type FileSenderEvents, type FileSenderOptions, type TransferProgress } from './file-sender.js';
export { FileReceiver, type FileReceiverEvents, type FileReceiverOptions, type ReceiveProgress } from './file-receiver.js';
export { sealFile, type FileSource } from './file-source.js';
export { DEFAULT_IDLE_TIMEOUT_MS } from './transfer-channel.js';
export { CANCEL_REASONS, type CancelReason } from './transfer-frames.js';
export { FileSourceChangedError, TransferCancelledError, TransferInterruptedError, TransferProtocolError } from './errors.js';
