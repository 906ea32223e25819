// Publishes an onion service on a running tor with ADD_ONION and our own key; removes it with DEL_ONION.
import { TorControlError, type ControlConnection } from './control/index.js';
import { parseAddOnionReply } from './control/index.js';
import { OnionPublishError } from './errors.js';

/** The part of an onion identity that publishing needs; the key blob is secret. */
export interface OnionServiceKey {
  /** 56-character v3 address without `.onion`. */
  readonly address: string;
  /** `ED25519-V3:<base64 of the 64-byte expanded secret key>`. */
  torAddOnionKeyBlob(): string;
}

/** Where tor forwards incoming streams: a unix socket where the OS has them, else a loopback TCP port. */
export type OnionTarget = { readonly kind: 'unix'; readonly path: string } | { readonly kind: 'tcp'; readonly port: number };

export interface OnionServiceSpec {
  readonly key: OnionServiceKey;
  /** The port peers dial at `<address>.onion`. */
  readonly virtualPort: number;
  readonly target: OnionTarget;
}

/** Reachability of a published service as the UI shows it. */
export type OnionReachability = 'publishing' | 'reachable' | 'offline';

/** What publishing learned about this tor, to avoid asking twice. */
export interface PublishOutcome {
  readonly powEnabled: boolean;
}

function targetText(target: OnionTarget): string {
  return target.kind === 'unix' ? `unix:${target.path}` : `127.0.0.1:${String(target.port)}`;
}

function addOnionCommand(spec: OnionServiceSpec, withPow: boolean): string {
  const parts = ['ADD_ONION', spec.key.torAddOnionKeyBlob(), 'Flags=DiscardPK'];
  if (withPow) parts.push('PoWDefensesEnabled=1');
  parts.push(`Port=${String(spec.virtualPort)},${targetText(spec.target)}`);
  return parts.join(' ');
}

/** tor answers 512/513 for keywords it does not know: an older tor, or one built without PoW. */
function rejectsPowKeyword(error: unknown): boolean {
  return error instanceof TorControlError && (error.statusCode === 512 || error.statusCode === 513) && /pow/i.test(error.torMessage);
}

function isCollision(error: unknown): boolean {
  return error instanceof TorControlError && error.statusCode === 550 && /collision/i.test(error.torMessage);
}

/**
 * Adds the service. `tryPow` false skips the PoW keyword (a previous attempt showed tor rejects it).
 * An address already loaded in this tor ("550 Onion address collision") is removed and added again,
 * so the port mapping is always the one asked for.
 */
export async function publishOnionService(control: ControlConnection, spec: OnionServiceSpec, tryPow = true): Promise<PublishOutcome> {
  const add = async (withPow: boolean): Promise<void> => {
    const reply = await control.command(addOnionCommand(spec, withPow));
    const { serviceId } = parseAddOnionReply(reply);
    if (serviceId !== spec.key.address) {
      throw new OnionPublishError(`tor published ${serviceId}.onion instead of ${spec.key.address}.onion.`);
    }
  };
  const addWithFallback = async (): Promise<PublishOutcome> => {
    if (!tryPow) {
      await add(false);
      return { powEnabled: false };
    }
    try {
      await add(true);
      return { powEnabled: true };
    } catch (error) {
      if (!rejectsPowKeyword(error)) throw error;
      await add(false);
      return { powEnabled: false };
    }
  };
  try {
    return await addWithFallback();
  } catch (error) {
    if (!isCollision(error)) throw wrap(error, spec);
    await control.command(`DEL_ONION ${spec.key.address}`);
    try {
      return await addWithFallback();
    } catch (retryError) {
      throw wrap(retryError, spec);
    }
  }
}

function wrap(error: unknown, spec: OnionServiceSpec): Error {
  if (error instanceof OnionPublishError) return error;
  return new OnionPublishError(`Could not publish ${spec.key.address}.onion.`, { cause: error });
}

/** Removes the service; a service tor no longer knows is not an error. */
export async function removeOnionService(control: ControlConnection, address: string): Promise<void> {
  try {
    await control.command(`DEL_ONION ${address}`);
  } catch (error) {
    if (error instanceof TorControlError && error.statusCode === 552) return;
    throw error;
  }
}
