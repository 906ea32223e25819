// Relay mailboxes in the app: my relays and mailboxes (RelayService), and the courier that deposits at contacts' relays.
export { RelayService, type RelayServiceOptions } from './relay-service.js';
export type { RelayTargetFor } from './relay-clients.js';
