// One RPC protocol for the API over any message channel: server, client, channel adapters for the page.
export * from './backend.js';
export * from './browser-channels.js';
export * from './channel.js';
export * from './client.js';
export * from './emitter-port-channel.js';
export * from './protocol.js';
export * from './server.js';
export * from './web-access.js';
