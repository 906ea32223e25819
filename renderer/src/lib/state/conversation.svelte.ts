// One open conversation, with a contact or a group: its history loaded a page at a time (oldest first in memory), sending, retrying and files.
import { LIMITS, type DeliveryChoice, type MessageDto } from '../../../../electron/shared/api/index.js';
import type { CoreConnection } from '../core-connection.js';
import { ConversationFiles, filesSupported } from './conversation-files.svelte.js';
import { prependPage } from './history-pages.js';

/** With a contact (by address) or in a group (by id); both are a conversation id in messages and events. */
export type ConversationKind = 'contact' | 'group';

export class ConversationState {
  /** Oldest first, as the list shows them. */
  messages = $state<MessageDto[]>([]);
  hasMore = $state(true);
  loading = $state(false);
  /** Uploads, progress and file actions; absent where the core does not carry files (groups, for now). */
  readonly files: ConversationFiles | undefined;
  #cursor: string | undefined;
  readonly #unsubscribe: (() => void)[];

  constructor(
    readonly core: CoreConnection,
    /** The contact's address, or the group's id. */
    readonly address: string,
    readonly kind: ConversationKind = 'contact',
  ) {
    this.files = filesSupported(kind) ? new ConversationFiles(core, address, (message) => this.#put(message)) : undefined;
    this.#unsubscribe = [
      core.on('message.received', (message) => {
        if (message.conversation === address) this.#put(message);
      }),
      // A file message's new state arrives whole; only messages already shown are replaced.
      core.on('message.changed', (message) => {
        if (message.conversation === address && this.messages.some((m) => m.id === message.id)) this.#put(message);
      }),
      core.on('message.updated', (update) => {
        if (update.conversation !== address) return;
        const index = this.messages.findIndex((m) => m.id === update.id);
        const current = this.messages[index];
        if (current === undefined) return;
        const { error: _previous, heldUntil: _held, ...rest } = current;
        this.messages = this.messages.with(index, {
          ...rest,
          state: update.state,
          ...(update.heldUntil === undefined ? {} : { heldUntil: update.heldUntil }),
          ...(update.error === undefined ? {} : { error: update.error }),
          ...(update.delivery === undefined ? {} : { delivery: update.delivery }),
        });
      }),
    ];
  }

  /** Fetches the page before the oldest message shown; does nothing while a page is loading or at the start. */
  async loadOlder(): Promise<void> {
    if (this.loading || !this.hasMore) return;
    this.loading = true;
    try {
      const before = this.#cursor === undefined ? {} : { before: this.#cursor };
      const page =
        this.kind === 'group'
          ? await this.core.api['groups.history']({ group: this.address, limit: LIMITS.historyPage, ...before })
          : await this.core.api['conversations.history']({ address: this.address, limit: LIMITS.historyPage, ...before });
      this.messages = prependPage(this.messages, page.messages);
      this.#cursor = page.nextCursor;
      this.hasMore = page.nextCursor !== undefined;
    } finally {
      this.loading = false;
    }
  }

  /** `via`: for this message only, what happens if the contact (or a member) is offline; absent: the contact's or group's choice. */
  async send(text: string, via?: DeliveryChoice): Promise<void> {
    const choice = via === undefined ? {} : { via };
    this.#put(
      this.kind === 'group'
        ? await this.core.api['groups.send']({ group: this.address, text, ...choice })
        : await this.core.api['messages.send']({ address: this.address, text, ...choice }),
    );
  }

  /** Contacts only: the API has no retry for group messages. */
  async retry(id: string): Promise<void> {
    this.#put(await this.core.api['messages.retry']({ address: this.address, id }));
  }

  async markRead(): Promise<void> {
    if (this.kind === 'group') await this.core.api['groups.markRead']({ group: this.address });
    else await this.core.api['conversations.markRead']({ address: this.address });
  }

  dispose(): void {
    this.files?.dispose();
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
  }

  #put(message: MessageDto): void {
    const index = this.messages.findIndex((m) => m.id === message.id);
    this.messages = index === -1 ? [...this.messages, message] : this.messages.with(index, message);
  }
}
