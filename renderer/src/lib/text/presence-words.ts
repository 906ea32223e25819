// A presence in words, as the header, the sidebar and the status picker say it.
import type { Presence } from '../../../../electron/shared/api/index.js';

export const PRESENCE_WORDS: Readonly<Record<Presence, string>> = { available: 'Available', away: 'Away', busy: 'Busy' };
