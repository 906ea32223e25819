// My presence and my preferences (notifications, theme, delivery to offline contacts, files, Tor bridges and options), as saved by the core.
import type { Presence, PresenceDto, SettingsDto } from '../../../../electron/shared/api/index.js';
import type { CoreConnection } from '../core-connection.js';

type SettingsUpdate = Partial<Pick<SettingsDto, 'notifications' | 'theme' | 'defaultDelivery' | 'autoAcceptBytes' | 'downloadsDir'>> & { bridges?: string[]; torOptions?: string[] };

export class SettingsState {
  settings = $state<SettingsDto | null>(null);
  presence = $state<PresenceDto>({ status: 'available', text: '' });

  constructor(readonly core: CoreConnection) {}

  async load(): Promise<void> {
    const [settings, presence] = await Promise.all([this.core.api['settings.get']({}), this.core.api['presence.get']({})]);
    this.settings = settings;
    this.presence = presence;
  }

  async update(change: SettingsUpdate): Promise<void> {
    this.settings = await this.core.api['settings.update'](change);
  }

  async setPresence(status: Presence, text: string): Promise<void> {
    this.presence = await this.core.api['presence.set']({ status, text });
  }
}
