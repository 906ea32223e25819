// A whole core under test, with everything it emitted, for tor tests that run several cores on the private network.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createCore, type Core } from '../../electron/core/index.js';
import type { ApiEvents, ApiHandlers, EventName, MessageDto, SessionDto } from '../../electron/shared/api/index.js';
import { waitFor } from './wait-for.js';

const MINUTE = 60_000;
const FAST_KDF = { name: 'scrypt', logN: 10, r: 8, p: 1 } as const;
const PASSWORD = 'orchid-lantern-91-velvet';

/** A core plus everything it emitted, so tests can wait for events that already happened. */
export class CorePeer {
  core!: Core;
  session!: SessionDto;
  readonly events: { name: EventName; payload: unknown }[] = [];
  profileId = '';

  constructor(
    readonly name: string,
    readonly dataDir: string,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  get api(): ApiHandlers {
    return this.core.handlers;
  }

  get address(): string {
    return this.session.identity.address;
  }

  async start(create: boolean): Promise<void> {
    this.core = await createCore({ dataDir: this.dataDir, env: this.env, kdf: FAST_KDF, log: () => undefined });
    for (const name of ['message.received', 'message.updated', 'request.received', 'contact.updated', 'identity.updated', 'relays.updated'] as const) {
      this.core.events.on(name, (payload: ApiEvents[typeof name]) => this.events.push({ name, payload }));
    }
    if (create) this.profileId = (await this.api['profiles.create']({ label: this.name, nickname: this.name, password: PASSWORD })).id;
    this.session = await this.api['profiles.unlock']({ profileId: this.profileId, password: PASSWORD });
  }

  async waitReachable(): Promise<void> {
    await waitFor(async () => (await this.api['identity.get']({})).reachability === 'reachable', { what: `${this.name} reachable`, timeoutMs: 3 * MINUTE });
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

  /** pid of this profile's tor, found by its torrc path. */
  torPid(): number {
    const out = execFileSync('pgrep', ['-f', join(this.dataDir, 'tor')], { encoding: 'utf8' });
    const pid = Number(out.trim().split('\n')[0]);
    if (!Number.isInteger(pid)) throw new Error(`no tor found for ${this.name}`);
    return pid;
  }
}

