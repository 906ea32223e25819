// When each message reached each stage: handed to the link (sender), stored (receiver), acknowledged (sender).
import type { Core } from '../../../electron/core/index.js';
import type { ApiEvents } from '../../../electron/shared/api/index.js';
import { within } from './deadline.js';
import { BenchFailureError } from './errors.js';

/** performance.now() of each stage seen so far for one message id. */
export interface MessageStages {
  sent?: number;
  received?: number;
  delivered?: number;
}

/** Listens to both cores (they share this process, so one clock times both sides). */
export class MessageTimeline {
  readonly #stages = new Map<string, MessageStages>();
  readonly #waiters = new Map<string, (error?: Error) => void>();
  readonly #sender: Core;
  readonly #receiver: Core;

  readonly #onUpdated = (update: ApiEvents['message.updated']): void => {
    const at = performance.now();
    if (update.state === 'sent') this.#stagesOf(update.id).sent ??= at;
    else if (update.state === 'delivered') {
      this.#stagesOf(update.id).delivered ??= at;
      this.#waiters.get(update.id)?.();
    } else if (update.state === 'failed') {
      this.#waiters.get(update.id)?.(new BenchFailureError(`message ${update.id} failed: ${update.error ?? 'no reason given'}`));
    }
  };

  readonly #onReceived = (message: ApiEvents['message.received']): void => {
    this.#stagesOf(message.id).received ??= performance.now();
  };

  constructor(sender: Core, receiver: Core) {
    this.#sender = sender;
    this.#receiver = receiver;
    sender.events.on('message.updated', this.#onUpdated);
    receiver.events.on('message.received', this.#onReceived);
  }

  /** Resolves with every stage once the sender saw `id` delivered (at once if it already did). */
  async delivered(id: string, timeoutMs: number): Promise<Required<MessageStages>> {
    if (this.#stagesOf(id).delivered === undefined) {
      const done = new Promise<void>((resolve, reject) => {
        this.#waiters.set(id, (error) => (error === undefined ? resolve() : reject(error)));
      });
      try {
        await within(done, timeoutMs, `message ${id} to be delivered`);
      } finally {
        this.#waiters.delete(id);
      }
    }
    const { sent, received, delivered } = this.#stagesOf(id);
    if (sent === undefined || received === undefined || delivered === undefined) {
      throw new BenchFailureError(`message ${id} was delivered without being seen sent and received`);
    }
    this.#stages.delete(id);
    return { sent, received, delivered };
  }

  close(): void {
    this.#sender.events.off('message.updated', this.#onUpdated);
    this.#receiver.events.off('message.received', this.#onReceived);
  }

  #stagesOf(id: string): MessageStages {
    let stages = this.#stages.get(id);
    if (stages === undefined) {
      stages = {};
      this.#stages.set(id, stages);
    }
    return stages;
  }
}
