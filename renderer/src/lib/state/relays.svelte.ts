// My relays (where contacts may leave messages for me while I am offline), kept current by the core's events.
import type { RelayDto } from '../../../../electron/shared/api/index.js';
import type { CoreConnection } from '../core-connection.js';

export class RelaysState {
  relays = $state<readonly RelayDto[]>([]);
  readonly #unsubscribe: () => void;

  constructor(readonly core: CoreConnection) {
    this.#unsubscribe = core.on('relays.updated', (relays) => (this.relays = relays));
  }

  async load(): Promise<void> {
    this.relays = await this.core.api['relays.list']({});
  }

  async add(addressOrInvitation: string): Promise<RelayDto> {
    const relay = await this.core.api['relays.add']({ address: addressOrInvitation });
    this.relays = [...this.relays.filter((r) => r.address !== relay.address), relay];
    return relay;
  }

  async remove(address: string): Promise<void> {
    await this.core.api['relays.remove']({ address });
    this.relays = this.relays.filter((r) => r.address !== address);
  }

  dispose(): void {
    this.#unsubscribe();
  }
}
