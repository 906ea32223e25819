// Who is signed in: the profiles on this computer, the unlocked session, my identity and Tor's progress.
import type { IdentityDto, ProfileSummary, SessionDto, TorStatusDto } from '../../../../electron/shared/api/index.js';
import type { Transport } from '../api.js';
import type { CoreConnection } from '../core-connection.js';

export class SessionState {
  profiles = $state<ProfileSummary[]>([]);
  session = $state<SessionDto | null>(null);
  identity = $state<IdentityDto | null>(null);
  tor = $state<TorStatusDto | null>(null);
  loaded = $state(false);
  readonly #unsubscribe: (() => void)[];

  /** `transport` says who shows desktop notifications: Electron main, or this page in web mode. */
  constructor(
    readonly core: CoreConnection,
    readonly transport: Transport = 'electron',
  ) {
    this.#unsubscribe = [
      core.on('tor.status', (status) => (this.tor = status)),
      core.on('identity.updated', (identity) => (this.identity = identity)),
      core.on('session.locked', () => this.#signedOut()),
    ];
  }

  get unlocked(): boolean {
    return this.session !== null;
  }

  async load(): Promise<void> {
    const [profiles, session, tor] = await Promise.all([
      this.core.api['profiles.list']({}),
      this.core.api['session.get']({}),
      this.core.api['tor.status']({}),
    ]);
    this.profiles = profiles;
    this.tor = tor;
    this.#signedIn(session);
    this.loaded = true;
  }

  async unlock(profileId: string, password: string): Promise<void> {
    this.#signedIn(await this.core.api['profiles.unlock']({ profileId, password }));
  }

  async create(label: string, nickname: string, password: string): Promise<void> {
    const profile = await this.core.api['profiles.create']({ label, nickname, password });
    this.profiles = [...this.profiles.filter((p) => p.id !== profile.id), profile];
    await this.unlock(profile.id, password);
  }

  async importBackup(data: string, passphrase: string, label: string, password: string): Promise<ProfileSummary> {
    const profile = await this.core.api['profiles.importBackup']({ data, passphrase, label, password });
    this.profiles = [...this.profiles.filter((p) => p.id !== profile.id), profile];
    return profile;
  }

  /** Erases a profile from this computer for good; the core checks the password first. */
  async deleteProfile(profileId: string, password: string): Promise<void> {
    await this.core.api['profiles.delete']({ profileId, password });
    this.profiles = this.profiles.filter((p) => p.id !== profileId);
    if (this.session?.profile.id === profileId) this.#signedOut();
  }

  async lock(): Promise<void> {
    await this.core.api['profiles.lock']({});
    this.#signedOut();
  }

  dispose(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
  }

  #signedIn(session: SessionDto | null): void {
    this.session = session;
    this.identity = session?.identity ?? null;
  }

  #signedOut(): void {
    this.session = null;
    this.identity = null;
  }
}
