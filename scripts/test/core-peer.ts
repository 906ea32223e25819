// A whole core under test, with everything it emitted, for tor tests that run several cores on the private network.
import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCore, type Core } from '../../electron/core/index.js';
import type { ApiEvents, ApiHandlers, EventName, GroupDto, MessageDto, SessionDto } from '../../electron/shared/api/index.js';
import { waitFor } from './wait-for.js';

const MINUTE = 60_000;
const FAST_KDF = { name: 'scrypt', logN: 10, r: 8, p: 1 } as const;
const PASSWORD = 'orchid-lantern-91-velvet';
const RECORDED = [
  'message.received',
  'message.updated',
  'request.received',
  'contact.updated',
  'identity.updated',
  'relays.updated',
  'group.updated',
  'group.removed',
  'group.invitation',
  'group.invitation.removed',
  'group.joinRequest',
  'group.joinRequest.removed',
] as const satisfies readonly EventName[];

/** A core plus everything it emitted, so tests can wait for events that already happened. */
export class CorePeer {
  core!: Core;
  session!: SessionDto;
  /** Every event, with when it came (performance.now()). */
  readonly events: { name: EventName; payload: unknown; at: number }[] = [];
  profileId = '';

  constructor(
    readonly name: string,
    readonly dataDir: string,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  /** The core's log lines go to `<ALLIUM_CORE_LOG_DIR>/<name>.log` when that is set (for reading a failed run), else nowhere. */
  readonly #log = (line: string): void => {
    const dir = process.env['ALLIUM_CORE_LOG_DIR'];
    if (dir !== undefined && dir !== '') appendFileSync(join(dir, `${this.name}.log`), `${new Date().toISOString()} ${line}\n`);
  };

  get api(): ApiHandlers {
    return this.core.handlers;
  }

  get address(): string {
    return this.session.identity.address;
  }

  async start(create: boolean): Promise<void> {
    this.core = await createCore({ dataDir: this.dataDir, env: this.env, kdf: FAST_KDF, log: this.#log });
    for (const name of RECORDED) {
      this.core.events.on(name, (payload: ApiEvents[typeof name]) => this.events.push({ name, payload, at: performance.now() }));
    }
    if (create) this.profileId = (await this.api['profiles.create']({ label: this.name, nickname: this.name, password: PASSWORD })).id;
    this.session = await this.api['profiles.unlock']({ profileId: this.profileId, password: PASSWORD });
  }

  async waitReachable(): Promise<void> {
    await waitFor(async () => (await this.api['identity.get']({})).reachability === 'reachable', { what: `${this.name} reachable`, timeoutMs: 3 * MINUTE });
  }

  /** Adds `other` as a contact and has them accept; resolves once both see each other as contacts. */
  async befriend(other: CorePeer): Promise<void> {
    await this.api['contacts.add']({ address: other.address, nickname: other.name, message: `Hi ${other.name}` });
    const request = await waitFor(async () => (await other.api['requests.list']({})).find((r) => r.address === this.address), {
      what: `${other.name} to see ${this.name}'s request`,
      timeoutMs: 3 * MINUTE,
    });
    await other.api['requests.accept']({ id: request.id });
    await waitFor(async () => (await this.api['contacts.list']({})).find((c) => c.address === other.address && !c.pending), {
      what: `${this.name} to see ${other.name}'s acceptance`,
      timeoutMs: 3 * MINUTE,
    });
  }

  /** Adds a relay by its invitation, retrying while its young onion cannot be found yet. */
  async addRelay(invitation: string): Promise<void> {
    await waitFor(() => this.api['relays.add']({ address: invitation }).catch(() => undefined), { what: `${this.name} to reach the relay`, timeoutMs: 3 * MINUTE, intervalMs: 2_000 });
  }

  /** Every text message in the conversation, oldest first. */
  async conversation(address: string): Promise<MessageDto[]> {
    const all: MessageDto[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await this.api['conversations.history']({ address, limit: 200, ...(before === undefined ? {} : { before }) });
      all.push(...page.messages);
      if (page.nextCursor === undefined) return all.reverse();
      before = page.nextCursor;
    }
  }

  /** Every message of a group, oldest first. */
  async groupConversation(groupId: string): Promise<MessageDto[]> {
    const all: MessageDto[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await this.api['groups.history']({ group: groupId, limit: 200, ...(before === undefined ? {} : { before }) });
      all.push(...page.messages);
      if (page.nextCursor === undefined) return all.reverse();
      before = page.nextCursor;
    }
  }

  /** The group as this core shows it now. */
  async group(groupId: string): Promise<GroupDto | undefined> {
    return (await this.api['groups.list']({})).find((g) => g.id === groupId);
  }

  /** Waits until the group shows `count` members and we are one of them. */
  async waitMembers(groupId: string, count: number, timeoutMs = 4 * MINUTE): Promise<GroupDto> {
    return waitFor(
      async () => {
        const group = await this.group(groupId);
        return group?.standing === 'member' && group.members.length === count ? group : undefined;
      },
      { what: `${this.name} to see ${String(count)} members in group ${groupId}`, timeoutMs, intervalMs: 1_000 },
    );
  }

  /** pid of this profile's tor, found by its torrc path. */
  torPid(): number {
    const out = execFileSync('pgrep', ['-f', join(this.dataDir, 'tor')], { encoding: 'utf8' });
    const pid = Number(out.trim().split('\n')[0]);
    if (!Number.isInteger(pid)) throw new Error(`no tor found for ${this.name}`);
    return pid;
  }
}

