// Preload: hands the page a MessagePort to the core when the page asks for one, and exposes nothing else.
import { ipcRenderer } from 'electron';
import { CONNECT_MESSAGE, CORE_PORT_MESSAGE } from '../main/ipc-channels.js';

/** The page's window as the preload sees it; declared here because the Node tsconfig has no DOM library. */
declare const window: {
  addEventListener(type: 'message', listener: (event: { readonly source: unknown; readonly data: unknown }) => void): void;
  postMessage(message: unknown, targetOrigin: string, transfer: readonly unknown[]): void;
};

// The page asks (window.postMessage(CONNECT_MESSAGE)) when its listener is ready, so a port is never posted before
// anyone listens, and again after a reload or when the core restarted.
window.addEventListener('message', (event) => {
  if (event.source !== window || event.data !== CONNECT_MESSAGE) return;
  ipcRenderer.send(CONNECT_MESSAGE);
});

ipcRenderer.on(CORE_PORT_MESSAGE, (event) => {
  window.postMessage(CORE_PORT_MESSAGE, '*', event.ports);
});
