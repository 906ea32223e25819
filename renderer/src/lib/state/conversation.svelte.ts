// One open conversation: its history loaded a page at a time (oldest first in memory), sending and retrying.
import { LIMITS, type DeliveryChoice, type MessageDto } from '../../../../electron/shared/api/index.js';
import type { CoreConnection } from '../core-connection.js';
import { prependPage } from './history-pages.js';

export class ConversationState {
  /** Oldest first, as the list shows them. */
  messages = $state<MessageDto[]>([]);
  hasMore = $state(true);
  loading = $state(false);
  #cursor: string | undefined;
  readonly #unsubscribe: (() => void)[];

  constructor(
    readonly core: CoreConnection,
    readonly address: string,
  ) {
    this.#unsubscribe = [
      core.on('message.received', (message) => {
        if (message.conversation === address) this.#put(message);
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
        });
      }),
    ];
  }

  /** Fetches the page before the oldest message shown; does nothing while a page is loading or at the start. */
  async loadOlder(): Promise<void> {
    if (this.loading || !this.hasMore) return;
    this.loading = true;
    try {
      const page = await this.core.api['conversations.history']({
        address: this.address,
        limit: LIMITS.historyPage,
        ...(this.#cursor === undefined ? {} : { before: this.#cursor }),
      });
      this.messages = prependPage(this.messages, page.messages);
      this.#cursor = page.nextCursor;
      this.hasMore = page.nextCursor !== undefined;
    } finally {
      this.loading = false;
    }
  }

  /** `via`: for this message only, what happens if the contact is offline; absent: the contact's choice. */
  async send(text: string, via?: DeliveryChoice): Promise<void> {
    this.#put(await this.core.api['messages.send']({ address: this.address, text, ...(via === undefined ? {} : { via }) }));
  }

  async retry(id: string): Promise<void> {
    this.#put(await this.core.api['messages.retry']({ address: this.address, id }));
  }

  async markRead(): Promise<void> {
    await this.core.api['conversations.markRead']({ address: this.address });
  }

  dispose(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
  }

  #put(message: MessageDto): void {
    const index = this.messages.findIndex((m) => m.id === message.id);
    this.messages = index === -1 ? [...this.messages, message] : this.messages.with(index, message);
  }
}
