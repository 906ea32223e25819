// The names of the only messages that pass between the page, the preload and main: the page asks for a port, it gets one.

/** Page → preload (window.postMessage) and preload → main (ipcRenderer.send): "give me a port to the core". */
export const CONNECT_MESSAGE = 'allium:connect';
/** Main → preload (webContents.postMessage) and preload → page (window.postMessage, with the port transferred). */
export const CORE_PORT_MESSAGE = 'allium:core-port';
