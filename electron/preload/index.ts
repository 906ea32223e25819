// Preload: hands the page a MessagePort to the core, once the page can receive it, and exposes nothing else.
import { ipcRenderer } from 'electron';
import { CONNECT_MESSAGE, CORE_PORT_MESSAGE } from '../main/ipc-channels.js';

/** The page's window as the preload sees it; declared here because the Node tsconfig has no DOM library. */
declare const window: {
  addEventListener(type: 'message', listener: (event: { readonly source: unknown; readonly data: unknown }) => void): void;
  addEventListener(type: 'DOMContentLoaded', listener: () => void, options: { readonly once: boolean }): void;
  postMessage(message: unknown, targetOrigin: string, transfer: readonly unknown[]): void;
};

let requested = false;
const requestPort = (): void => {
  requested = true;
  ipcRenderer.send(CONNECT_MESSAGE);
};

// The page may ask (window.postMessage(CONNECT_MESSAGE)) when its listener is ready, and again after the core restarted.
window.addEventListener('message', (event) => {
  if (event.source === window && event.data === CONNECT_MESSAGE) requestPort();
});

// A page that never asks gets one port when its module scripts have run, so their listener is in place.
window.addEventListener('DOMContentLoaded', () => (requested ? undefined : requestPort()), { once: true });

ipcRenderer.on(CORE_PORT_MESSAGE, (event) => {
  window.postMessage(CORE_PORT_MESSAGE, '*', event.ports);
});
