// Fetching one incoming file for FileChat: from the relay copy or the sender's file stream, retried when cut, typed from the verified bytes.
import { open } from 'node:fs/promises';
import type { OnionAddress } from '../../../shared/onion-address/index.js';
import { PartialFile, SEALED_RECORD_BYTES, openRecord, sniffType } from '../../files/index.js';
import { FileReceiver, TransferCancelledError, TransferInterruptedError } from '../../files/transfer/index.js';
import type { AuthenticatedStream } from '../../link/index.js';
import type { RelayClient } from '../../relay-client/index.js';
import type { StoredFile } from '../../store/index.js';
import type { MessengerContext } from '../messenger-context.js';
import { queueSequenced } from '../sequenced-send.js';
import { classifyFetchError } from './fetch-failure.js';
import type { FileChatOptions } from './file-chat.js';
import { isGroup, sealedBytesOf } from './file-shapes.js';
import { downloadCopy } from './relay-copy.js';

/** What a fetch needs of its FileChat: the profile, the options, and the writes that tell the UI. */
export interface FetchHost {
  readonly ctx: MessengerContext;
  readonly options: FileChatOptions;
  progress(conversation: string, id: string, bytes: number, total: number): void;
  finished(id: string, patch: Partial<Pick<StoredFile, 'state' | 'bytes' | 'error'>>, type?: Pick<StoredFile, 'mime' | 'preview'>): Promise<void>;
  set(id: string, patch: Partial<Pick<StoredFile, 'state' | 'bytes' | 'error' | 'savedTo' | 'problem' | 'relayCopy'>>): Promise<void>;
}

/** A transfer that was cut is tried again after this long (and at once when the sender's link comes back). */
const RETRY_MS = 15_000;
/** Tries at a relay copy that failed in a way that may recover before the sender's stream and the relay take turns. */
export const RELAY_TRIES = 3;

/** One try at fetching a file, from the relay copy or the sender's stream. */
interface Attempt {
  readonly fromRelay: boolean;
  readonly done: Promise<string>;
  /** Stops and keeps what arrived (the profile stops). */
  interrupt(): void;
  /** Stops and deletes what arrived. */
  cancel(): Promise<void>;
}

/** The incoming files being fetched, and the timers of those to try again. */
export class FileFetches {
  readonly #host: FetchHost;
  readonly #attempts = new Map<string, Attempt>();
  readonly #retries = new Map<string, NodeJS.Timeout>();
  /** Tries in a row that failed in a way that may recover, by file. */
  readonly #failures = new Map<string, number>();
  /** Files whose next try starts as soon as this one is over. */
  readonly #asap = new Set<string>();
  #stopped = false;

  constructor(host: FetchHost) {
    this.#host = host;
  }

  /** Whether a fetch of this file is under way. */
  has(id: string): boolean {
    return this.#attempts.has(id);
  }

  /** Receiving stops with the profile; what arrived stays for the next start. */
  stop(): void {
    this.#stopped = true;
    for (const attempt of this.#attempts.values()) attempt.interrupt();
    for (const timer of this.#retries.values()) clearTimeout(timer);
    this.#retries.clear();
  }

  /** Stops fetching the file and deletes what arrived. */
  cancel(id: string): void {
    this.#attempts.get(id)?.cancel().catch((error: unknown) => this.#host.ctx.log(`could not delete the partial file ${id}: ${error instanceof Error ? error.message : String(error)}`));
    clearTimeout(this.#retries.get(id));
    this.#retries.delete(id);
    this.#failures.delete(id);
  }

  /**
   * Fetches a file, resuming from what is already verified here: from its relay copy when it has one (there whether or
   * not the sender is online), otherwise from the sender's file stream. A try that may recover is repeated; after
   * RELAY_TRIES such tries at the relay, the sender and the relay take turns. A relay copy that fails for good
   * (altered, gone, breaking the protocol) is dropped and the sender asked at once; a sender that fails for good fails the file.
   */
  fetch(id: string): void {
    const { dial } = this.#host.options;
    const file = this.#host.ctx.state.file(id);
    if (file === undefined || this.#attempts.has(id) || this.#stopped) return;
    const copy = file.relayCopy;
    const client = copy === null ? undefined : this.#host.options.relayClient?.(copy.relay as OnionAddress);
    const failures = this.#failures.get(id) ?? 0;
    const relayTurn = dial === undefined || failures < RELAY_TRIES || (failures - RELAY_TRIES) % 2 === 1;
    const onProgress = (bytes: number, total: number): void => this.#host.progress(file.conversation, id, bytes, total);
    let attempt: Attempt;
    if (copy !== null && client !== undefined && relayTurn) attempt = this.#fromRelay(file, client, copy.capability, onProgress);
    else if (dial !== undefined) attempt = this.#fromSender(file, dial, onProgress);
    else return;
    clearTimeout(this.#retries.get(id));
    this.#retries.delete(id);
    this.#attempts.set(id, attempt);
    void attempt.done
      .then(async (path) => {
        this.#failures.delete(id);
        await this.#received(file, path);
      })
      .catch(async (error: unknown) => {
        if (this.#stopped) return;
        await this.#failed(file, attempt, error);
      })
      .catch((error: unknown) => this.#host.ctx.log(`recording file ${id} failed: ${String(error)}`))
      .finally(() => {
        this.#attempts.delete(id);
        // A relay copy given up on: the sender is asked now, not after a wait.
        if (this.#asap.delete(id)) this.fetch(id);
      });
  }

  #fromSender(file: StoredFile, dial: (peer: OnionAddress) => Promise<AuthenticatedStream>, onProgress: (bytes: number, total: number) => void): Attempt {
    const peer = file.from as OnionAddress;
    const receiver = new FileReceiver({
      dir: this.#host.options.dir,
      key: file.key,
      fileId: file.id,
      size: file.size,
      sha256: file.sha256,
      connect: () => dial(peer),
    });
    receiver.on('progress', ({ bytes, total }) => onProgress(bytes, total));
    return { fromRelay: false, done: receiver.receive(), interrupt: () => receiver.interrupt(), cancel: () => receiver.cancel() };
  }

  #fromRelay(file: StoredFile, client: RelayClient, capability: string, onProgress: (bytes: number, total: number) => void): Attempt {
    const { dir } = this.#host.options;
    const controller = new AbortController();
    const done = downloadCopy(client, { dir, key: file.key, fileId: file.id, size: file.size, sha256: file.sha256, capability, onProgress, signal: controller.signal });
    return {
      fromRelay: true,
      done,
      interrupt: () => controller.abort(new TransferInterruptedError('the transfer was stopped')),
      cancel: async () => {
        controller.abort(new TransferCancelledError('local', 'cancelled'));
        await done.catch(() => undefined);
        await PartialFile.discard(dir, file.id);
      },
    };
  }

  async #failed(file: StoredFile, attempt: Attempt, error: unknown): Promise<void> {
    const { id } = file;
    const failure = classifyFetchError(error);
    const from = attempt.fromRelay ? 'its relay copy' : 'the sender';
    switch (failure.kind) {
      case 'retry': {
        this.#failures.set(id, (this.#failures.get(id) ?? 0) + 1);
        this.#retries.set(id, setTimeout(() => this.fetch(id), this.#host.options.retryMs ?? RETRY_MS).unref());
        return;
      }
      case 'cancelled':
        return this.#host.set(id, { state: 'cancelled', error: failure.byPeer ? 'the sender stopped it' : null });
      case 'final': {
        this.#host.ctx.log(`receiving file ${id} from ${from} failed for good: ${error instanceof Error ? error.message : String(error)}`);
        if (attempt.fromRelay && this.#host.options.dial !== undefined) {
          // The sender's stream resumes from what the copy gave that checked out.
          this.#failures.delete(id);
          this.#asap.add(id);
          return this.#host.set(id, { relayCopy: null });
        }
        // What arrived checked out record by record, but the file as a whole failed: nothing of it stays.
        await PartialFile.discard(this.#host.options.dir, id);
        return this.#host.set(id, { state: 'failed', error: failure.words, problem: failure.problem });
      }
    }
  }

  /** The verified file: typed from its bytes, and the sender told (its own stream tells it; a relay copy does not). */
  async #received(file: StoredFile, path: string): Promise<void> {
    const { id } = file;
    const head = await open(path, 'r').then(async (handle) => {
      try {
        const first = Buffer.alloc(Math.min(SEALED_RECORD_BYTES, sealedBytesOf(file.size, 0)));
        await handle.read(first, 0, first.length, 0);
        return openRecord({ key: file.key, fileId: id, size: file.size }, 0, first);
      } finally {
        await handle.close();
      }
    });
    // Typed from the verified bytes, whatever the offer said: only recognised media is ever previewed.
    const type = sniffType(head);
    await this.#host.finished(id, { state: 'received', bytes: file.size, error: null }, { mime: type.mime, preview: type.preview === 'none' ? null : type.preview });
    if (!isGroup(file.conversation)) {
      const peer = file.from as OnionAddress;
      await this.#host.ctx.chains.run(peer, () => queueSequenced(this.#host.ctx, peer, (seq) => ({ kind: 'file-received', seq, file: id })));
    }
  }
}
