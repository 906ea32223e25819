// Fetching one incoming file for FileChat: from the relay copy or the sender's file stream, retried when cut, typed from the verified bytes.
import { open } from 'node:fs/promises';
import type { OnionAddress } from '../../../shared/onion-address/index.js';
import { FileHashMismatchError, SEALED_RECORD_BYTES, openRecord, sniffType } from '../../files/index.js';
import { FileReceiver, TransferCancelledError, TransferInterruptedError } from '../../files/transfer/index.js';
import type { StoredFile } from '../../store/index.js';
import type { MessengerContext } from '../messenger-context.js';
import { queueSequenced } from '../sequenced-send.js';
import type { FileChatOptions } from './file-chat.js';
import { isGroup, sealedBytesOf } from './file-shapes.js';
import { downloadCopy } from './relay-copy.js';

/** What a fetch needs of its FileChat: the profile, the options, and the writes that tell the UI. */
export interface FetchHost {
  readonly ctx: MessengerContext;
  readonly options: FileChatOptions;
  progress(conversation: string, id: string, bytes: number, total: number): void;
  finished(id: string, patch: Partial<Pick<StoredFile, 'state' | 'bytes' | 'error'>>, type?: Pick<StoredFile, 'mime' | 'preview'>): Promise<void>;
  set(id: string, patch: Partial<Pick<StoredFile, 'state' | 'bytes' | 'error' | 'savedTo'>>): Promise<void>;
}

/** A transfer that was cut is tried again after this long (and at once when the sender's link comes back). */
const RETRY_MS = 15_000;

/** The incoming files being fetched, and the timers of those to try again. */
export class FileFetches {
  readonly #host: FetchHost;
  readonly #receivers = new Map<string, FileReceiver>();
  readonly #retries = new Map<string, NodeJS.Timeout>();
  #stopped = false;

  constructor(host: FetchHost) {
    this.#host = host;
  }

  /** Whether a fetch of this file is under way. */
  has(id: string): boolean {
    return this.#receivers.has(id);
  }

  /** Receiving stops with the profile; what arrived stays for the next start. */
  stop(): void {
    this.#stopped = true;
    for (const receiver of this.#receivers.values()) receiver.interrupt();
    for (const timer of this.#retries.values()) clearTimeout(timer);
    this.#retries.clear();
  }

  /** Stops fetching the file and deletes what arrived. */
  cancel(id: string): void {
    void this.#receivers.get(id)?.cancel();
    clearTimeout(this.#retries.get(id));
    this.#retries.delete(id);
  }

  /** Fetches a file from its sender over a file stream, resuming from what is already here; tried again when cut. */
  fetch(id: string): void {
    const { dial, dir } = this.#host.options;
    const file = this.#host.ctx.state.file(id);
    if (file === undefined || dial === undefined || this.#receivers.has(id) || this.#stopped) return;
    clearTimeout(this.#retries.get(id));
    this.#retries.delete(id);
    const peer = file.from as OnionAddress;
    const receiver = new FileReceiver({ dir, key: file.key, fileId: id, size: file.size, sha256: file.sha256, connect: () => dial(peer) });
    this.#receivers.set(id, receiver);
    receiver.on('progress', ({ bytes, total }) => this.#host.progress(file.conversation, id, bytes, total));
    const copy = file.relayCopy;
    const client = copy === null ? undefined : this.#host.options.relayClient?.(copy.relay as OnionAddress);
    // A copy at a relay is there whether or not the sender is online: fetched from it, otherwise from the sender.
    const received =
      copy !== null && client !== undefined
        ? downloadCopy(client, { dir, key: file.key, fileId: id, size: file.size, sha256: file.sha256, capability: copy.capability, onProgress: (bytes, total) => this.#host.progress(file.conversation, id, bytes, total) })
        : receiver.receive();
    void received
      .then(async (path) => {
        const head = (await open(path, 'r').then(async (handle) => {
          try {
            const first = Buffer.alloc(Math.min(SEALED_RECORD_BYTES, sealedBytesOf(file.size, 0)));
            await handle.read(first, 0, first.length, 0);
            return openRecord({ key: file.key, fileId: id, size: file.size }, 0, first);
          } finally {
            await handle.close();
          }
        }));
        // Typed from the verified bytes, whatever the offer said: only recognised media is ever previewed.
        const type = sniffType(head);
        await this.#host.finished(id, { state: 'received', bytes: file.size, error: null }, { mime: type.mime, preview: type.preview === 'none' ? null : type.preview });
        // The sender hears it too, however the bytes came (its own stream tells it; a relay copy does not).
        if (!isGroup(file.conversation)) {
          await this.#host.ctx.chains.run(peer, () => queueSequenced(this.#host.ctx, peer, (seq) => ({ kind: 'file-received', seq, file: id })));
        }
      })
      .catch(async (error: unknown) => {
        if (this.#stopped) return;
        if (error instanceof TransferInterruptedError || (error instanceof Error && !(error instanceof TransferCancelledError) && !(error instanceof FileHashMismatchError) && isNetwork(error))) {
          this.#retries.set(id, setTimeout(() => this.fetch(id), RETRY_MS).unref());
          return;
        }
        if (error instanceof TransferCancelledError) return this.#host.set(id, { state: 'cancelled', error: error.by === 'peer' ? 'the sender stopped it' : null });
        if (error instanceof FileHashMismatchError) return this.#host.set(id, { state: 'failed', error: 'The file that arrived does not match what was offered; it was refused and deleted.' });
        this.#host.ctx.log(`receiving file ${id} failed: ${error instanceof Error ? error.message : String(error)}`);
        return this.#host.set(id, { state: 'failed', error: error instanceof Error ? error.message : String(error) });
      })
      .catch((error: unknown) => this.#host.ctx.log(`recording file ${id} failed: ${String(error)}`))
      .finally(() => this.#receivers.delete(id));
  }
}

/** Dial and socket failures (tor not ready, the sender offline) are worth trying again. */
function isNetwork(error: Error): boolean {
  return ['OnionDialError', 'SocksError', 'HandshakeError', 'NoLinkError', 'RelayUnreachableError'].includes(error.name) || 'code' in error;
}
