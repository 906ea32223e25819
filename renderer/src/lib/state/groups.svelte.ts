// My groups, the invitations to groups and the requests to join groups I administer, kept current by the core's events.
import type { DeliveryChoice, GroupDto, GroupInvitationDto, GroupJoinRequestDto, JoinPolicy } from '../../../../electron/shared/api/index.js';
import type { CoreConnection } from '../core-connection.js';

export class GroupsState {
  groups = $state<GroupDto[]>([]);
  invitations = $state<GroupInvitationDto[]>([]);
  joinRequests = $state<GroupJoinRequestDto[]>([]);
  readonly #unsubscribe: (() => void)[];

  constructor(readonly core: CoreConnection) {
    this.#unsubscribe = [
      core.on('group.updated', (group) => this.#put(group)),
      core.on('group.removed', ({ id }) => (this.groups = this.groups.filter((g) => g.id !== id))),
      core.on('group.invitation', (invitation) => (this.invitations = [...this.invitations.filter((i) => i.id !== invitation.id), invitation])),
      core.on('group.invitation.removed', ({ id }) => (this.invitations = this.invitations.filter((i) => i.id !== id))),
      core.on('group.joinRequest', (request) => (this.joinRequests = [...this.joinRequests.filter((r) => r.id !== request.id), request])),
      core.on('group.joinRequest.removed', ({ id }) => (this.joinRequests = this.joinRequests.filter((r) => r.id !== id))),
    ];
  }

  /** Most recent conversation first, then by name. */
  get sorted(): GroupDto[] {
    return [...this.groups].sort((a, b) => (b.lastMessage?.at ?? '').localeCompare(a.lastMessage?.at ?? '') || a.name.localeCompare(b.name));
  }

  /** Invitations and join requests together: what the requests inbox counts. */
  get waiting(): number {
    return this.invitations.length + this.joinRequests.length;
  }

  find(id: string): GroupDto | undefined {
    return this.groups.find((g) => g.id === id);
  }

  async load(): Promise<void> {
    const [groups, invitations, joinRequests] = await Promise.all([
      this.core.api['groups.list']({}),
      this.core.api['groups.invitations']({}),
      this.core.api['groups.joinRequests']({}),
    ]);
    this.groups = groups;
    this.invitations = invitations;
    this.joinRequests = joinRequests;
  }

  create(name: string): Promise<GroupDto> {
    return this.#answer(this.core.api['groups.create']({ name }));
  }

  joinByLink(link: string): Promise<GroupDto> {
    return this.#answer(this.core.api['groups.joinByLink']({ link }));
  }

  /** Joins the public group of that name on the relay (the first of mine by default), or creates and registers it there. */
  joinByName(name: string, relay?: string): Promise<GroupDto> {
    return this.#answer(this.core.api['groups.joinByName']({ name, ...(relay === undefined ? {} : { relay }) }));
  }

  async rename(group: string, name: string): Promise<void> {
    await this.#answer(this.core.api['groups.rename']({ group, name }));
  }

  async invite(group: string, address: string): Promise<void> {
    await this.core.api['groups.invite']({ group, address });
  }

  async inviteLink(group: string): Promise<string> {
    return (await this.core.api['groups.inviteLink']({ group })).link;
  }

  async removeMember(group: string, address: string): Promise<void> {
    await this.#answer(this.core.api['groups.removeMember']({ group, address }));
  }

  async setRole(group: string, address: string, role: 'admin' | 'member'): Promise<void> {
    await this.#answer(this.core.api['groups.setRole']({ group, address, role }));
  }

  async leave(group: string): Promise<void> {
    await this.#answer(this.core.api['groups.leave']({ group }));
  }

  async remove(group: string): Promise<void> {
    await this.core.api['groups.delete']({ group });
    this.groups = this.groups.filter((g) => g.id !== group);
  }

  async setDelivery(group: string, delivery: DeliveryChoice): Promise<void> {
    await this.#answer(this.core.api['groups.setDelivery']({ group, delivery }));
  }

  async publish(group: string, listing: { relay: string; name: string; description: string; policy: JoinPolicy }): Promise<void> {
    await this.#answer(this.core.api['groups.publish']({ group, ...listing }));
  }

  async unpublish(group: string): Promise<void> {
    await this.#answer(this.core.api['groups.unpublish']({ group }));
  }

  async acceptInvitation(id: string): Promise<GroupDto> {
    const group = await this.#answer(this.core.api['groups.acceptInvitation']({ id }));
    this.invitations = this.invitations.filter((i) => i.id !== id);
    return group;
  }

  async declineInvitation(id: string): Promise<void> {
    await this.core.api['groups.declineInvitation']({ id });
    this.invitations = this.invitations.filter((i) => i.id !== id);
  }

  async answerJoinRequest(id: string, admit: boolean): Promise<void> {
    await this.core.api['groups.answerJoinRequest']({ id, admit });
    this.joinRequests = this.joinRequests.filter((r) => r.id !== id);
  }

  dispose(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
  }

  /** Keeps the group the core answered with, so the list is right before (or without) its event. */
  async #answer(pending: Promise<GroupDto>): Promise<GroupDto> {
    const group = await pending;
    this.#put(group);
    return group;
  }

  #put(group: GroupDto): void {
    const index = this.groups.findIndex((g) => g.id === group.id);
    this.groups = index === -1 ? [...this.groups, group] : this.groups.with(index, group);
  }
}
