// Test driver: runs the core's utility-process entry under plain Node with a parentPort shaped like Electron's, makes one call through a port, then asks the core to stop.
import { EventEmitter } from 'node:events';
import { MessageChannel, type MessagePort } from 'node:worker_threads';

/** Electron's MessagePortMain delivers `{ data }`; Node's MessagePort delivers the data itself. */
function mainLike(port: MessagePort): EventEmitter & { postMessage(message: unknown): void; start(): void; close(): void } {
  const emitter = new EventEmitter();
  port.on('message', (data: unknown) => emitter.emit('message', { data }));
  port.on('close', () => emitter.emit('close'));
  return Object.assign(emitter, { postMessage: (message: unknown) => port.postMessage(message), start: () => port.start(), close: () => port.close() });
}

const parentPort = Object.assign(new EventEmitter(), { postMessage: () => undefined });
Object.assign(process, { parentPort });

await import('../../core/utility-entry.js');
const { port1, port2 } = new MessageChannel();
parentPort.emit('message', { data: { type: 'connect' }, ports: [mainLike(port2)] });
port1.on('message', (reply: unknown) => {
  console.log(`reply ${JSON.stringify(reply)}`);
  parentPort.emit('message', { data: { type: 'stop' }, ports: [] });
});
parentPort.emit('message', { data: { type: 'unknown' }, ports: [] });
port1.postMessage({ t: 'req', id: 1, cmd: 'session.get', input: {} });
