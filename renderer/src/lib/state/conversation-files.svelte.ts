// Files in one conversation: uploads from the composer, transfer progress from the core, and the actions on a file message.
import { SvelteMap } from 'svelte/reactivity';
import type { MessageDto } from '../../../../electron/shared/api/index.js';
import type { CoreConnection } from '../core-connection.js';
import { errorMessage } from '../error-messages.js';
import { readFileBlob } from '../file-read.js';
import { UploadAbortedError, uploadFile } from '../file-upload.js';
import type { ConversationKind } from './conversation.svelte.js';

/** Where the core takes files: 1:1 conversations and groups. */
const FILE_CONVERSATIONS: readonly ConversationKind[] = ['contact', 'group'];

export function filesSupported(kind: ConversationKind): boolean {
  return FILE_CONVERSATIONS.includes(kind);
}

/** A file on its way from the page to the core, before it is offered. */
export interface PendingUpload {
  readonly key: number;
  readonly name: string;
  readonly size: number;
  /** Bytes the core holds so far. */
  readonly received: number;
}

/** What a file bubble may do with its file. */
export type FileActions = Pick<ConversationFiles, 'bytesOf' | 'accept' | 'cancel' | 'retry' | 'save' | 'read'>;

/** What the composer needs: uploads and their progress. */
export type FileAttach = Pick<ConversationFiles, 'attach' | 'uploads' | 'uploadError' | 'stopUpload'>;

export class ConversationFiles {
  /** Transfer progress by file id, from file.progress events (the DTO's `bytes` is only as fresh as its last change). */
  progress = $state<Record<string, number>>({});
  uploads = $state<PendingUpload[]>([]);
  /** Why the last upload failed, in words; empty when it did not. */
  uploadError = $state('');
  #nextKey = 0;
  readonly #aborts = new SvelteMap<number, AbortController>();
  #queue: Promise<void> = Promise.resolve();
  readonly #unsubscribe: () => void;

  constructor(
    readonly core: CoreConnection,
    /** The contact's address (or, later, the group's id). */
    readonly conversation: string,
    /** Puts a message the core answered with into the conversation. */
    readonly put: (message: MessageDto) => void,
  ) {
    this.#unsubscribe = core.on('file.progress', (event) => {
      if (event.conversation === conversation) this.progress = { ...this.progress, [event.id]: event.bytes };
    });
  }

  /** Bytes transferred of a file: the newest progress event, else what its message says. */
  bytesOf(file: { readonly id: string; readonly bytes: number }): number {
    return Math.max(this.progress[file.id] ?? 0, file.bytes);
  }

  /** Queues files to upload and offer, one after another; failures land in `uploadError`. */
  attach(files: readonly File[]): void {
    for (const file of files) {
      const key = (this.#nextKey += 1);
      const abort = new AbortController();
      this.#aborts.set(key, abort);
      this.uploads = [...this.uploads, { key, name: file.name, size: file.size, received: 0 }];
      this.#queue = this.#queue.then(() => this.#send(key, file, abort.signal));
    }
  }

  /** Stops an upload that has not been offered yet. */
  stopUpload(key: number): void {
    this.#aborts.get(key)?.abort();
    this.#drop(key);
  }

  async accept(id: string): Promise<void> {
    this.put(await this.core.api['files.accept']({ conversation: this.conversation, id }));
  }

  /** Cancels a transfer, or declines an offer. */
  async cancel(id: string): Promise<void> {
    this.put(await this.core.api['files.cancel']({ conversation: this.conversation, id }));
  }

  async retry(id: string): Promise<void> {
    this.put(await this.core.api['files.retry']({ conversation: this.conversation, id }));
  }

  /** Saves into the downloads folder; resolves with where it went. */
  async save(id: string): Promise<string> {
    return (await this.core.api['files.save']({ conversation: this.conversation, id })).path;
  }

  /** The verified bytes of a complete file, refused above `limit`. */
  read(id: string, size: number, type: string, limit?: number): Promise<Blob> {
    return readFileBlob((offset, length) => this.core.api['files.read']({ conversation: this.conversation, id, offset, length }), size, type, limit);
  }

  dispose(): void {
    this.#unsubscribe();
    for (const abort of this.#aborts.values()) abort.abort();
  }

  async #send(key: number, file: File, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    this.uploadError = '';
    try {
      const upload = await uploadFile(file, (chunk) => this.core.api['files.upload'](chunk), {
        signal,
        onprogress: (received) => (this.uploads = this.uploads.map((u) => (u.key === key ? { ...u, received } : u))),
      });
      if (signal.aborted) return;
      this.put(await this.core.api['files.send']({ conversation: this.conversation, upload, name: file.name }));
    } catch (error) {
      if (!(error instanceof UploadAbortedError)) this.uploadError = `${file.name}: ${errorMessage(error)}`;
    } finally {
      this.#drop(key);
    }
  }

  #drop(key: number): void {
    this.#aborts.delete(key);
    this.uploads = this.uploads.filter((u) => u.key !== key);
  }
}
