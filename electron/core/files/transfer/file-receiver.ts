// The receiving side: dials the sender for a file stream, asks from the first record it lacks, writes what arrives into the PartialFile, verifies the whole.
import { EventEmitter } from 'node:events';
import { access } from 'node:fs/promises';
import type { AuthenticatedStream } from '../../link/index.js';
import { CorruptProgressError } from '../errors.js';
import { RECORD_PLAINTEXT_BYTES, recordPlaintextBytes, type FileRecordContext } from '../file-records.js';
import { filePaths, PartialFile } from '../partial-file.js';
import { TransferCancelledError, TransferInterruptedError, TransferProtocolError } from './errors.js';
import { DEFAULT_IDLE_TIMEOUT_MS, TransferChannel, endError } from './transfer-channel.js';

export interface FileReceiverOptions extends FileRecordContext {
  /** The folder of downloads in progress and received files (PartialFile's dir). */
  readonly dir: string;
  /** The SHA-256 of the whole plaintext from the offer, lowercase hex. */
  readonly sha256: string;
  /** Opens an authenticated file stream to the sender: `dialStream({ ... }, 'file')` through tor in the app. */
  readonly connect: () => Promise<AuthenticatedStream>;
  readonly checkpointRecords?: number;
  /** How long the stream may stay silent before the attempt counts as interrupted. */
  readonly idleTimeoutMs?: number;
}

/** How much of the file is here, in plaintext bytes. */
export interface ReceiveProgress {
  readonly fileId: string;
  readonly bytes: number;
  readonly total: number;
}

export interface FileReceiverEvents {
  /** Once when an attempt starts (what earlier attempts kept), then after every record written. */
  progress: [ReceiveProgress];
}

/** Writes in flight before we stop reading the stream: the disk sets the pace without idling the network. */
const MAX_WRITES_IN_FLIGHT = 8;

/**
 * One incoming file. receive() runs one attempt: it resolves with the path of the verified file (still sealed under
 * the file key) or rejects with TransferInterruptedError (call it again: it resumes from the last checkpoint, even
 * after a restart), TransferCancelledError, FileHashMismatchError (the partial file is deleted), TruncatedFileError,
 * a record's FileError, TransferProtocolError, or the dial's own error.
 */
export class FileReceiver extends EventEmitter<FileReceiverEvents> {
  readonly #options: FileReceiverOptions;
  #attempt: Promise<string> | undefined;
  #channel: TransferChannel | undefined;
  #cancelled = false;
  #interrupted = false;

  constructor(options: FileReceiverOptions) {
    super();
    this.#options = options;
  }

  get fileId(): string {
    return this.#options.fileId;
  }

  /** Runs an attempt, or returns the one under way. */
  receive(): Promise<string> {
    if (this.#attempt !== undefined) return this.#attempt;
    const attempt = this.#run().finally(() => {
      this.#attempt = undefined;
      this.#channel = undefined;
    });
    this.#attempt = attempt;
    return attempt;
  }

  /**
   * Tells the sender when a stream is open (otherwise the messenger must), stops, and deletes what arrived.
   * Later receive() calls reject with TransferCancelledError.
   */
  async cancel(): Promise<void> {
    this.#cancelled = true;
    this.#channel?.close({ type: 'cancel', reason: 'cancelled' });
    await this.#attempt?.catch(() => undefined);
    await PartialFile.discard(this.#options.dir, this.#options.fileId);
  }

  /**
   * Ends the attempt under way and keeps what arrived (the app is stopping): receive() rejects with
   * TransferInterruptedError, and a later receive(), here or after a restart, resumes.
   */
  interrupt(): void {
    this.#interrupted = true;
    this.#channel?.close();
  }

  async #run(): Promise<string> {
    const options = this.#options;
    if (this.#cancelled) throw new TransferCancelledError('local', 'cancelled');
    this.#interrupted = false;
    const { sealed } = filePaths(options.dir, options.fileId);
    // A crash after the final rename: the file was verified before it got this name.
    if (await exists(sealed)) return sealed;
    const partial = await this.#openPartial();
    let discard = false;
    try {
      this.#progress(partial);
      if (partial.firstMissing === undefined) return await partial.complete();
      const stream = await options.connect();
      const channel = new TransferChannel(stream, options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
      if (this.#cancelled) {
        // Cancelled while dialing: a Cancel names no file, so before a Want it would tell the sender nothing.
        channel.close();
        throw new TransferCancelledError('local', 'cancelled');
      }
      if (this.#interrupted) {
        channel.close();
        throw new TransferInterruptedError('the transfer was stopped');
      }
      this.#channel = channel;
      return await this.#exchange(channel, partial, partial.firstMissing);
    } catch (error) {
      // A cancel by either side ends the transfer for good; anything else keeps what arrived for the next attempt.
      discard = error instanceof TransferCancelledError && (error.by === 'local' || error.reason === 'cancelled');
      throw error;
    } finally {
      await partial.close();
      if (discard) await PartialFile.discard(options.dir, options.fileId);
    }
  }

  async #openPartial(): Promise<PartialFile> {
    const { dir, key, fileId, size, sha256, checkpointRecords } = this.#options;
    const options = { dir, key, fileId, size, sha256, ...(checkpointRecords === undefined ? {} : { checkpointRecords }) };
    try {
      return await PartialFile.open(options);
    } catch (error) {
      if (!(error instanceof CorruptProgressError)) throw error;
      await PartialFile.discard(dir, fileId);
      return PartialFile.open(options);
    }
  }

  #exchange(channel: TransferChannel, partial: PartialFile, from: number): Promise<string> {
    return new Promise((resolve, reject) => {
      let settled = false;
      let done = false;
      let inFlight = 0;
      let lastWrite: Promise<unknown> = Promise.resolve();
      const fail = (error: Error, tell?: 'failed'): void => {
        if (settled) return;
        settled = true;
        channel.close(tell === undefined ? undefined : { type: 'cancel', reason: tell });
        reject(error);
      };
      const finish = async (): Promise<void> => {
        await lastWrite;
        if (settled) return;
        try {
          const path = await partial.complete();
          settled = true;
          channel.close({ type: 'verified' });
          resolve(path);
        } catch (error) {
          fail(error as Error, 'failed');
        }
      };
      channel.on('frame', (frame) => {
        if (settled || done) return;
        switch (frame.type) {
          case 'record': {
            let write: Promise<boolean>;
            try {
              write = partial.write(frame.index, frame.sealed);
            } catch (error) {
              fail(error as Error, 'failed');
              return;
            }
            if (++inFlight >= MAX_WRITES_IN_FLIGHT) channel.pause();
            lastWrite = write.then(
              () => {
                if (--inFlight < MAX_WRITES_IN_FLIGHT) channel.resume();
                this.#progress(partial);
              },
              (error: unknown) => fail(error as Error, 'failed'),
            );
            return;
          }
          case 'done':
            done = true;
            void finish();
            return;
          case 'cancel':
            fail(new TransferCancelledError('peer', frame.reason));
            return;
          case 'want':
          case 'verified':
            fail(new TransferProtocolError(`the sender sent '${frame.type}'`), 'failed');
            return;
        }
      });
      channel.on('end', (end) => {
        if (done) return;
        fail(this.#cancelled ? new TransferCancelledError('local', 'cancelled') : endError(end));
      });
      channel.send({ type: 'want', fileId: this.#options.fileId, from }).catch(() => undefined);
    });
  }

  #progress(partial: PartialFile): void {
    const { size, fileId } = this.#options;
    const last = partial.recordCount - 1;
    const shortfall = partial.has(last) ? RECORD_PLAINTEXT_BYTES - recordPlaintextBytes(size, last) : 0;
    this.emit('progress', { fileId, bytes: partial.receivedRecords * RECORD_PLAINTEXT_BYTES - shortfall, total: size });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
