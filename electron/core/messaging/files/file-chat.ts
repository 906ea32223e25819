// Files in conversations for one unlocked profile: uploads, offers, transfers on their own onion stream, previews and saving.
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ApiError, type FileUploadDto, type MessageDto } from '../../../shared/api/index.js';
import type { OnionAddress } from '../../../shared/onion-address/index.js';
import { RECORD_PLAINTEXT_BYTES, SEALED_RECORD_BYTES, filePaths, openRecord, readSealedFile, safeFileName, uniqueFileName } from '../../files/index.js';
import { FileSender, type FileSource } from '../../files/transfer/index.js';
import type { AuthenticatedStream } from '../../link/index.js';
import { queueKeyFromSeed, type RelayClient } from '../../relay-client/index.js';
import type { HistoryMessage, StateMutators, StoredFile } from '../../store/index.js';
import { emitContact, messageDto } from '../contact-dto.js';
import { requireContact } from '../contact-lookup.js';
import { contactConversation, groupConversation, historyName } from '../conversation-id.js';
import type { Envelope, FileEnvelopeBody, FileOffer } from '../envelope.js';
import type { FileHooks, MessengerContext } from '../messenger-context.js';
import { queueSequenced } from '../sequenced-send.js';
import { historyRecord } from '../store-records.js';
import { fileDto } from './file-dto.js';
import { budgetHold, diskHold, freeSpace } from './auto-accept.js';
import { FileFetches } from './file-fetch.js';
import { isGroup, sealedBytesOf } from './file-shapes.js';
import { uploadCopy } from './relay-copy.js';
import { Uploads, type SealedUpload } from './uploads.js';
import type { GroupChat } from '../groups/group-chat.js';

export interface FileChatOptions {
  /** The profile's files folder (sealed files and downloads in progress). */
  readonly dir: string;
  /** Opens an authenticated file stream to a peer through tor; absent: files can only be offered, not fetched. */
  readonly dial?: (peer: OnionAddress) => Promise<AuthenticatedStream>;
  /** Where files.save puts files when the profile names no folder. */
  readonly downloadsDir: () => string;
  /** A client for any relay (ours to upload copies, the sender's to fetch them); undefined while tor is not ready. */
  readonly relayClient?: (relay: OnionAddress) => RelayClient | undefined;
  /** The group part, which carries group file offers like group messages. */
  readonly groups: GroupChat;
  /** How long a cut transfer waits before it is tried again (default 15 s). */
  readonly retryMs?: number;
  /** Bytes free where files are kept (default: fs.statfs of `dir`). */
  readonly freeSpace?: (dir: string) => Promise<number>;
}

/** Progress events at most this often per file. */
const PROGRESS_EVERY_MS = 250;

export class FileChat implements FileHooks {
  #ctx: MessengerContext | undefined;
  #options: FileChatOptions | undefined;
  #uploads: Uploads | undefined;
  readonly #sender = new FileSender();
  #fetches: FileFetches | undefined;
  readonly #live = new Map<string, number>();
  readonly #lastProgress = new Map<string, number>();
  #stopped = false;

  /** Called once by the Messenger when its context exists. */
  bind(ctx: MessengerContext, options: FileChatOptions): void {
    this.#ctx = ctx;
    this.#options = options;
    this.#uploads = new Uploads(options.dir);
    this.#fetches = new FileFetches({
      ctx,
      options,
      progress: (conversation, id, bytes, total) => this.#progress(conversation, id, bytes, total),
      finished: (id, patch, type) => this.#finished(id, patch, type),
      set: (id, patch) => this.#set(id, patch),
    });
    this.#sender.on('serving', ({ fileId }) => this.#record(fileId, this.#set(fileId, { state: 'sending' })));
    // The API names a conversation by the contact's address or the group's id, as the receiving side does.
    this.#sender.on('progress', ({ peer, fileId, bytes, total }) => this.#progress(this.#file(fileId)?.conversation ?? peer, fileId, bytes, total));
    this.#sender.on('delivered', ({ fileId }) => this.#record(fileId, this.#finished(fileId, { state: 'sent', bytes: this.#file(fileId)?.size ?? 0 })));
    this.#sender.on('cancelled', ({ fileId, reason }) => this.#record(fileId, this.#set(fileId, { state: 'cancelled', error: `the receiver stopped it (${reason})` })));
    this.#sender.on('failed', ({ peer, fileId, error }) => ctx.log(`serving file ${fileId ?? '(unknown)'} to ${peer} failed: ${error.message}`));
  }

  private get ctx(): MessengerContext {
    if (this.#ctx === undefined) throw new Error('FileChat used before bind()');
    return this.#ctx;
  }

  private get options(): FileChatOptions {
    if (this.#options === undefined) throw new Error('FileChat used before bind()');
    return this.#options;
  }

  /** Offers again what we still owe (after a restart) and resumes what we were receiving. */
  start(): void {
    for (const file of this.ctx.state.files()) {
      if (file.direction === 'out' && (file.state === 'offered' || file.state === 'sending')) this.#offer(file);
      // Cut while its copy went to the relay: offered now without one (the contact fetches it from us).
      if (file.direction === 'out' && file.state === 'preparing' && !isGroup(file.conversation)) {
        this.#offer(file);
        void this.#sendOffer(file.id).catch((error: unknown) => this.ctx.log(`offering file ${file.id} failed: ${String(error)}`));
      }
      if (file.direction === 'in' && file.state === 'receiving') this.#fetch(file.id);
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#sender.close();
    // Receiving stops with the profile; what arrived stays for the next start.
    this.#fetches?.stop();
    this.#uploads?.close().catch((error: unknown) => this.ctx.log(`could not remove unfinished uploads: ${error instanceof Error ? error.message : String(error)}`));
  }

  /** A file stream a contact opened to fetch one of our files. */
  serve(stream: AuthenticatedStream): Promise<void> {
    if (this.#stopped) {
      stream.socket.destroy();
      return Promise.resolve();
    }
    return this.#sender.serve(stream);
  }

  /** Whether a caller may open a file stream to us: an accepted contact we did not block. */
  accepts(peer: OnionAddress): boolean {
    // The listener asks from its own socket events, which can come while the profile locks: a locked profile admits no one.
    if (this.#stopped || this.ctx.session.isLocked) return false;
    const contact = this.ctx.state.contact(peer);
    return contact?.status === 'accepted' && !contact.blocked;
  }

  /** The sender's link came back: a cut transfer from them is tried again now. */
  linkUp(peer: OnionAddress): void {
    for (const file of this.ctx.state.files()) {
      if (file.direction === 'in' && file.from === peer && file.state === 'receiving' && !this.#fetchesOf().has(file.id)) this.#fetch(file.id);
    }
  }

  // ——— from messaging ———

  async receive(peer: OnionAddress, envelope: Envelope, body: FileEnvelopeBody, stored: (tx: StateMutators) => void): Promise<void> {
    const { ctx } = this;
    if (body.kind === 'file-received') {
      const file = this.#file(body.file);
      const ours = file !== undefined && file.direction === 'out' && file.conversation === peer && file.state !== 'sent';
      if (ours) await this.#finished(body.file, { state: 'sent', bytes: file.size, error: null }, undefined, stored);
      else await ctx.state.transact(stored);
      return;
    }
    if (body.kind === 'file-cancel') {
      const file = this.#file(body.file);
      await ctx.state.transact((tx) => {
        if (file !== undefined && file.conversation === peer && file.state !== 'received' && file.state !== 'sent') {
          tx.files.update(file.id, { state: 'cancelled', error: 'the other side stopped it' });
        }
        stored(tx);
      });
      if (file !== undefined && file.conversation === peer) this.#stopTransfer(file);
      this.#changed(body.file);
      return;
    }
    const offer = body.file;
    if (this.#file(offer.id) !== undefined) {
      // The same id twice is a replay or a collision: the first stays, this one is not stored.
      await ctx.state.transact(stored);
      return;
    }
    const file = this.#incoming(offer, peer, peer, this.options.dial !== undefined);
    const record: HistoryMessage = { ...historyRecord({ ...envelope, id: offer.id }, 'in', '', ctx.now()), kind: 'file' };
    const history = await ctx.session.history(historyName(contactConversation(peer)));
    await Promise.all([
      history.append(record),
      ctx.state.transact((tx) => {
        tx.files.put(file);
        tx.contacts.update(peer, (c) => {
          c.unread += 1;
          c.lastMessage = { text: `📎 ${file.name}`, at: envelope.sentAt, direction: 'in' };
        });
        stored(tx);
      }),
    ]);
    ctx.events.emit('message.stored', { conversation: contactConversation(peer), message: record, file: fileDto(file) });
    if (file.state === 'receiving') await this.#autoFetch(file.id);
  }

  // ——— commands ———

  async upload(upload: string | undefined, size: number, offset: number, data: string): Promise<FileUploadDto> {
    return this.#uploadsOf().put(upload, size, offset, Buffer.from(data, 'base64'));
  }

  /**
   * Offers an uploaded file to a contact: stored at once, the offer sent like a message, the bytes served when they
   * ask. When the message may go through relays (this one, or the contact's or profile's choice), a sealed copy is
   * first left at our relay for them, so they can fetch it while we are offline.
   */
  async send(conversation: string, upload: string, name: string, via?: 'hold' | 'relay'): Promise<MessageDto> {
    const { ctx } = this;
    const contact = requireContact(ctx.state, conversation);
    if (contact.blocked) throw new ApiError('blocked', `You blocked ${contact.nickname}; unblock them to send files.`);
    if (contact.identityChanged) throw new ApiError('identity-changed', `${contact.nickname}'s safety number changed. Review it before sending more.`);
    const sealed = this.#uploadsOf().take(upload);
    const peer = contact.address as OnionAddress;
    const relayed = (via ?? contact.delivery ?? ctx.state.settings.defaultDelivery) === 'relay' && this.#copyTarget(peer) !== undefined;
    const file = this.#outgoing(sealed, peer, name, relayed);
    const record: HistoryMessage = { id: file.id, direction: 'out', kind: 'file', body: '', sentAt: ctx.now(), storedAt: ctx.now() };
    const history = await ctx.session.history(historyName(contactConversation(peer)));
    await Promise.all([
      history.append(record),
      ctx.state.transact((tx) => {
        tx.files.put(file);
        tx.contacts.update(peer, { lastMessage: { text: `📎 ${file.name}`, at: ctx.now(), direction: 'out' } });
      }),
    ]);
    this.#offer(file);
    if (relayed) void this.#copyThenOffer(file.id);
    else await this.#sendOffer(file.id);
    emitContact(ctx, peer);
    return messageDto(ctx, contactConversation(peer), record);
  }

  /** Offers an uploaded file to a whole group: one copy at our relay (when relays are allowed) serves every member. */
  async sendToGroup(groupId: string, upload: string, name: string, via?: 'hold' | 'relay'): Promise<MessageDto> {
    const { ctx } = this;
    const groups = this.options.groups;
    groups.requireWritable(groupId);
    const sealed = this.#uploadsOf().take(upload);
    const relayed = groups.relayAllowed(groupId, via) && this.#anyCopyTarget() !== undefined;
    const members = groups.membersOf(groupId);
    const file = this.#outgoing(sealed, groupId, name, relayed);
    const record: HistoryMessage = { id: file.id, direction: 'out', kind: 'file', body: '', sentAt: ctx.now(), storedAt: ctx.now(), sender: ctx.localAddress, recipients: members.length };
    const history = await ctx.session.history(historyName(groupConversation(groupId)));
    await Promise.all([history.append(record), ctx.state.transact((tx) => tx.files.put(file))]);
    this.#offer(file);
    const offerNow = async (): Promise<void> => {
      const current = this.#file(file.id);
      if (current === undefined || current.state === 'cancelled') return;
      await groups.sendContent(groupId, { text: '', id: file.id, file: this.#offerOf(current) }, via, true);
      await this.#set(file.id, { state: current.state === 'preparing' ? 'offered' : current.state });
    };
    if (relayed) {
      void this.#copy(file.id, this.#anyCopyTarget())
        .then(offerNow)
        .catch((error: unknown) => ctx.log(`offering file ${file.id} to group ${groupId} failed: ${String(error)}`));
    } else {
      await offerNow();
    }
    return this.#message(file.id);
  }

  groupOffer(groupId: string, from: OnionAddress, offer: FileOffer): StoredFile {
    return this.#incoming(offer, groupId, from, this.options.dial !== undefined || offer.relay !== null);
  }

  /**
   * Our record of a file offered to us: a safe name, the offer's type shown until the bytes are checked. Fetched at once
   * (`receiving`) when it can be, is under the automatic size and within its sender's and everyone's daily budget.
   */
  #incoming(offer: FileOffer, conversation: string, from: OnionAddress, fetchable: boolean): StoredFile {
    const { settings } = this.ctx.state;
    const hold = offer.size <= settings.autoAcceptBytes ? budgetHold(this.ctx.state.files(), from, offer.size, settings.autoAcceptBytes, this.ctx.now()) : undefined;
    const auto = fetchable && offer.size <= settings.autoAcceptBytes && hold === undefined;
    return {
      id: offer.id,
      conversation,
      direction: 'in',
      from,
      name: safeFileName(offer.name),
      size: offer.size,
      mime: sniffLabel(offer.mime),
      preview: null,
      sha256: offer.sha256,
      key: offer.key,
      state: auto ? 'receiving' : 'offered',
      bytes: 0,
      error: null,
      problem: fetchable ? (hold ?? null) : null,
      savedTo: null,
      createdAt: new Date(this.ctx.now()).toISOString(),
      relayCopy: offer.relay,
    };
  }

  /** Our record of a file we offer: typed from its first bytes when it was uploaded. */
  #outgoing(sealed: SealedUpload, conversation: string, name: string, relayed: boolean): StoredFile {
    return {
      id: sealed.id,
      conversation,
      direction: 'out',
      from: this.ctx.localAddress,
      name: safeFileName(name),
      size: sealed.size,
      mime: sealed.type.mime,
      preview: sealed.type.preview === 'none' ? null : sealed.type.preview,
      sha256: sealed.sha256,
      key: sealed.key,
      state: relayed ? 'preparing' : 'offered',
      bytes: 0,
      error: null,
      problem: null,
      savedTo: null,
      createdAt: new Date(this.ctx.now()).toISOString(),
      relayCopy: null,
    };
  }

  afterGroupOffer(id: string): void {
    if (this.#file(id)?.state === 'receiving') {
      void this.#autoFetch(id).catch((error: unknown) => this.ctx.log(`file ${id}: ${error instanceof Error ? error.message : String(error)}`));
    }
  }

  /** Fetches a file accepted automatically, unless the disk is nearly full: then it waits for a manual accept. */
  async #autoFetch(id: string): Promise<void> {
    const file = this.#file(id);
    if (file === undefined) return;
    const { dir, freeSpace: free = freeSpace } = this.options;
    const hold = await diskHold(() => free(dir), file.size).catch((error: unknown) => {
      // Not knowing the free space is no reason to hold a file the user chose to take automatically.
      this.ctx.log(`the free space for file ${id} is unknown: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    if (hold !== undefined) {
      await this.#set(id, { state: 'offered', problem: 'low-disk' });
      return;
    }
    this.#fetch(id);
  }

  #offerOf(file: StoredFile): FileOffer {
    return { id: file.id, name: file.name, size: file.size, mime: file.mime, sha256: file.sha256, key: file.key, relay: file.relayCopy };
  }

  /** Any relay of ours with a mailbox queue of ours, to own a copy meant for a whole group. */
  #anyCopyTarget(): { relay: OnionAddress; queueSeed: Uint8Array } | undefined {
    if (this.options.relayClient === undefined) return undefined;
    const mailbox = this.ctx.state.mailboxes()[0];
    return mailbox === undefined ? undefined : { relay: mailbox.relay as OnionAddress, queueSeed: mailbox.queueSeed };
  }

  /** Leaves the sealed file at the relay and records the copy; failures are logged and the offer goes without one. */
  async #copy(id: string, target: { relay: OnionAddress; queueSeed: Uint8Array } | undefined): Promise<void> {
    try {
      const file = this.#file(id);
      const client = target === undefined ? undefined : this.options.relayClient?.(target.relay);
      if (file === undefined || target === undefined || client === undefined) return;
      const path = filePaths(this.options.dir, id).sealed;
      const capability = await uploadCopy(client, queueKeyFromSeed(target.queueSeed), path, file.size, (bytes, total) =>
        this.#progress(file.conversation, id, Math.round((bytes / total) * file.size), file.size),
      );
      await this.ctx.state.transact((tx) => tx.files.update(id, { relayCopy: { relay: target.relay, capability } }));
    } catch (error) {
      this.ctx.log(`could not leave file ${id} at the relay: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.#live.delete(id);
    }
  }

  /** Leaves the sealed copy at our relay, then sends the offer naming it; without a copy if that fails (logged). */
  async #copyThenOffer(id: string): Promise<void> {
    const file = this.#file(id);
    await this.#copy(id, file === undefined ? undefined : this.#copyTarget(file.conversation as OnionAddress));
    await this.#sendOffer(id).catch((error: unknown) => this.ctx.log(`offering file ${id} failed: ${String(error)}`));
  }

  /** Queues the offer (its envelope id is the file's, so the message shows its delivery) and marks the file offered. */
  async #sendOffer(id: string): Promise<void> {
    const file = this.#file(id);
    if (file === undefined || file.state === 'cancelled') return;
    const peer = file.conversation as OnionAddress;
    const offer = this.#offerOf(file);
    const entry = await this.ctx.chains.run(peer, () =>
      queueSequenced(this.ctx, peer, (seq) => ({ kind: 'file', seq, file: offer }), {
        id,
        via: file.relayCopy === null ? 'direct' : 'relay',
        also: (tx) => tx.files.update(id, { state: 'offered' }),
      }),
    );
    if (entry === undefined) throw new ApiError('contact-not-found', 'This contact was removed.');
    this.#changed(id);
  }

  /** Where a copy for this contact goes: our relay that holds their mailbox (its queue owns the copy). */
  #copyTarget(peer: OnionAddress): { relay: OnionAddress; queueSeed: Uint8Array } | undefined {
    if (this.options.relayClient === undefined) return undefined;
    const mailbox = this.ctx.state.mailbox(peer);
    return mailbox === undefined ? undefined : { relay: mailbox.relay as OnionAddress, queueSeed: mailbox.queueSeed };
  }

  async accept(conversation: string, id: string): Promise<MessageDto> {
    const file = this.#require(conversation, id);
    if (file.direction !== 'in') throw new ApiError('invalid-input', 'This is a file you sent.');
    if (file.state === 'offered' || file.state === 'failed' || file.state === 'cancelled') {
      await this.#set(id, { state: 'receiving', error: null, problem: null });
      this.#fetch(id);
    }
    return this.#message(id);
  }

  async cancel(conversation: string, id: string): Promise<MessageDto> {
    const file = this.#require(conversation, id);
    if (file.state === 'sent' || file.state === 'received') return this.#message(id);
    this.#stopTransfer(file);
    // In a group each member fetches on their own: stopping ours is all there is (a copy at a relay stays until it expires).
    if (!isGroup(file.conversation)) {
      const peer = file.conversation as OnionAddress;
      await this.ctx.chains.run(peer, () => queueSequenced(this.ctx, peer, (seq) => ({ kind: 'file-cancel', seq, file: id })));
    }
    await this.#set(id, { state: 'cancelled', error: null });
    return this.#message(id);
  }

  async retry(conversation: string, id: string): Promise<MessageDto> {
    const file = this.#require(conversation, id);
    if (file.direction === 'in') return this.accept(conversation, id);
    if (file.state === 'failed' || file.state === 'cancelled') {
      await this.#set(id, { state: 'offered', error: null });
      this.#offer({ ...file, state: 'offered' });
    }
    return this.#message(id);
  }

  /** Plaintext of a range of a complete file, opened record by record from the sealed copy (checked on the way). */
  async read(conversation: string, id: string, offset: number, length: number): Promise<{ data: string; size: number }> {
    const file = this.#complete(conversation, id);
    const end = Math.min(file.size, offset + length);
    if (offset >= end) return { data: '', size: file.size };
    const context = { key: file.key, fileId: file.id, size: file.size };
    const handle = await open(filePaths(this.options.dir, id).sealed, 'r');
    try {
      const parts: Buffer[] = [];
      for (let index = Math.floor(offset / RECORD_PLAINTEXT_BYTES); index * RECORD_PLAINTEXT_BYTES < end; index++) {
        const sealed = Buffer.alloc(Math.min(SEALED_RECORD_BYTES, sealedBytesOf(file.size, index)));
        await handle.read(sealed, 0, sealed.length, index * SEALED_RECORD_BYTES);
        const plain = openRecord(context, index, sealed);
        const start = index * RECORD_PLAINTEXT_BYTES;
        parts.push(plain.subarray(Math.max(0, offset - start), Math.min(plain.length, end - start)));
      }
      return { data: Buffer.concat(parts).toString('base64'), size: file.size };
    } finally {
      await handle.close();
    }
  }

  /** Writes the file, decrypted, into the downloads folder under a safe name no other file there has; never opens it. */
  async save(conversation: string, id: string): Promise<{ path: string }> {
    const file = this.#complete(conversation, id);
    const dir = this.ctx.state.settings.downloadsDir || this.options.downloadsDir();
    await mkdir(dir, { recursive: true });
    for (let attempt = 0; ; attempt++) {
      const name = uniqueFileName(file.name, await readdir(dir));
      const path = join(dir, name);
      try {
        await pipeline(readSealedFile(filePaths(this.options.dir, id).sealed, { key: file.key, fileId: file.id, size: file.size }), createWriteStream(path, { flags: 'wx', mode: 0o600 }));
        await this.#set(id, { savedTo: path });
        return { path };
      } catch (error) {
        // Another program took the name between the listing and the write: choose again.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 5) throw error;
      }
    }
  }

  /** The file a stored message carries, for its DTO. */
  dtoFor(id: string): ReturnType<typeof fileDto> | undefined {
    const file = this.#file(id);
    return file === undefined ? undefined : fileDto(file, this.#live.get(id));
  }

  // ——— transfers ———

  #offer(file: StoredFile): void {
    const source: FileSource = { key: file.key, fileId: file.id, size: file.size, sha256: file.sha256, kind: 'sealed', path: filePaths(this.options.dir, file.id).sealed };
    const peers = isGroup(file.conversation) ? this.options.groups.membersOf(file.conversation) : [file.conversation];
    for (const peer of peers) this.#sender.offer(peer as OnionAddress, source);
  }

  /** A state write a transfer event started: after stop() the profile may be locked, so a failure is only logged. */
  #record(id: string, write: Promise<void>): void {
    write.catch((error: unknown) => {
      if (!this.#stopped) this.ctx.log(`recording file ${id} failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  #stopTransfer(file: StoredFile): void {
    if (file.direction === 'out') {
      const peers = isGroup(file.conversation) ? this.options.groups.membersOf(file.conversation) : [file.conversation];
      for (const peer of peers) this.#sender.cancel(peer as OnionAddress, file.id);
    }
    else {
      this.#fetchesOf().cancel(file.id);
    }
  }

  #progress(conversation: string, id: string, bytes: number, total: number): void {
    this.#live.set(id, bytes);
    const now = Date.now();
    if (bytes < total && now - (this.#lastProgress.get(id) ?? 0) < PROGRESS_EVERY_MS) return;
    this.#lastProgress.set(id, now);
    this.ctx.events.emit('file.progress', { conversation, id, bytes, total });
  }

  async #finished(
    id: string,
    patch: Partial<Pick<StoredFile, 'state' | 'bytes' | 'error'>>,
    type?: Pick<StoredFile, 'mime' | 'preview'>,
    also?: (tx: StateMutators) => void,
  ): Promise<void> {
    this.#live.delete(id);
    this.#lastProgress.delete(id);
    const file = this.#file(id);
    if (file === undefined) return;
    await this.ctx.state.transact((tx) => {
      if (type !== undefined) tx.files.put({ ...file, ...type, ...patch });
      else tx.files.update(id, patch);
      also?.(tx);
    });
    this.#changed(id);
  }

  async #set(id: string, patch: Partial<Pick<StoredFile, 'state' | 'bytes' | 'error' | 'savedTo' | 'problem' | 'relayCopy'>>): Promise<void> {
    if (this.#file(id) === undefined) return;
    await this.ctx.state.transact((tx) => tx.files.update(id, patch));
    this.#changed(id);
  }

  #changed(id: string): void {
    const file = this.#file(id);
    if (file === undefined) return;
    void this.#message(id)
      .then((message) => this.ctx.events.emit('file.changed', { message }))
      .catch((error: unknown) => this.ctx.log(`file ${id}: ${String(error)}`));
  }

  async #message(id: string): Promise<MessageDto> {
    const file = this.#file(id)!;
    if (isGroup(file.conversation)) {
      const found = await this.options.groups.messageOf(file.conversation, id);
      if (found === undefined) throw new ApiError('file-not-found', 'The message of this file is no longer here.');
      return found;
    }
    const conversation = contactConversation(file.conversation);
    const history = await this.ctx.session.history(historyName(conversation));
    const stored = (await history.page({ limit: 200 })).messages.find((m) => m.id === id) ?? {
      id,
      direction: file.direction,
      kind: 'file',
      body: '',
      sentAt: Date.parse(file.createdAt),
      storedAt: Date.parse(file.createdAt),
    };
    return messageDto(this.ctx, conversation, stored);
  }

  #file(id: string): StoredFile | undefined {
    return this.ctx.state.file(id);
  }

  #require(conversation: string, id: string): StoredFile {
    const file = this.#file(id);
    if (file === undefined || file.conversation !== conversation.trim().toLowerCase().replace(/\.onion$/, '')) throw new ApiError('file-not-found', 'There is no such file in this conversation.');
    return file;
  }

  #complete(conversation: string, id: string): StoredFile {
    const file = this.#require(conversation, id);
    const complete = file.direction === 'out' ? file.state !== 'preparing' : file.state === 'received';
    if (!complete) throw new ApiError('file-not-found', 'This file has not been received yet.');
    return file;
  }

  /** Fetches a file from its sender (or its relay copy), resuming from what is already here; tried again when cut. */
  #fetch(id: string): void {
    this.#fetchesOf().fetch(id);
  }

  #fetchesOf(): FileFetches {
    if (this.#fetches === undefined) throw new Error('FileChat used before bind()');
    return this.#fetches;
  }

  #uploadsOf(): Uploads {
    if (this.#uploads === undefined) throw new Error('FileChat used before bind()');
    return this.#uploads;
  }
}

/** A type name from the offer is only shown: anything that is not a plain `type/subtype` is unknown. */
function sniffLabel(mime: string): string {
  return /^[a-z]+\/[a-z0-9.+-]+$/i.test(mime) ? mime.toLowerCase() : 'application/octet-stream';
}
