// My contacts and the requests waiting for my answer, kept current by the core's events.
import type { ContactDto, ContactRequestDto, DeliveryChoice } from '../../../../electron/shared/api/index.js';
import type { CoreConnection } from '../core-connection.js';

export class ContactsState {
  contacts = $state<ContactDto[]>([]);
  requests = $state<ContactRequestDto[]>([]);
  readonly #unsubscribe: (() => void)[];

  constructor(readonly core: CoreConnection) {
    this.#unsubscribe = [
      core.on('contact.updated', (contact) => this.#put(contact)),
      core.on('contact.removed', ({ address }) => (this.contacts = this.contacts.filter((c) => c.address !== address))),
      core.on('request.received', (request) => (this.requests = [...this.requests.filter((r) => r.id !== request.id), request])),
      core.on('request.removed', ({ id }) => (this.requests = this.requests.filter((r) => r.id !== id))),
    ];
  }

  /** Most recent conversation first, then by name. */
  get sorted(): ContactDto[] {
    return [...this.contacts].sort(
      (a, b) => (b.lastMessage?.at ?? '').localeCompare(a.lastMessage?.at ?? '') || a.nickname.localeCompare(b.nickname),
    );
  }

  find(address: string): ContactDto | undefined {
    return this.contacts.find((c) => c.address === address);
  }

  async load(): Promise<void> {
    const [contacts, requests] = await Promise.all([this.core.api['contacts.list']({}), this.core.api['requests.list']({})]);
    this.contacts = contacts;
    this.requests = requests;
  }

  async add(address: string, nickname: string, message: string): Promise<ContactDto> {
    const contact = await this.core.api['contacts.add']({ address, nickname, message });
    this.#put(contact);
    return contact;
  }

  async rename(address: string, nickname: string): Promise<void> {
    this.#put(await this.core.api['contacts.rename']({ address, nickname }));
  }

  async remove(address: string): Promise<void> {
    await this.core.api['contacts.remove']({ address });
    this.contacts = this.contacts.filter((c) => c.address !== address);
  }

  async block(address: string, blocked: boolean): Promise<void> {
    this.#put(await this.core.api['contacts.block']({ address, blocked }));
  }

  /** null: follow the profile's default. */
  async setDelivery(address: string, delivery: DeliveryChoice | null): Promise<void> {
    this.#put(await this.core.api['contacts.setDelivery']({ address, delivery }));
  }

  async acceptIdentityChange(address: string): Promise<void> {
    this.#put(await this.core.api['contacts.acceptIdentityChange']({ address }));
  }

  async accept(id: string): Promise<ContactDto> {
    const contact = await this.core.api['requests.accept']({ id });
    this.#put(contact);
    this.requests = this.requests.filter((r) => r.id !== id);
    return contact;
  }

  async reject(id: string, block: boolean): Promise<void> {
    await this.core.api['requests.reject']({ id, block });
    this.requests = this.requests.filter((r) => r.id !== id);
  }

  dispose(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
  }

  #put(contact: ContactDto): void {
    const index = this.contacts.findIndex((c) => c.address === contact.address);
    this.contacts = index === -1 ? [...this.contacts, contact] : this.contacts.with(index, contact);
  }
}
