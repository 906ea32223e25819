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
  /**
   * Most streams one rendezvous circuit may hold open at once; tor closes a circuit that asks for more (ADD_ONION's
   * MaxStreams with the MaxStreamsCloseCircuit flag), so one circuit cannot fill the listener. Absent: no limit.
   */
  readonly maxStreamsPerCircuit?: number;
}

/** Reachability of a published service as the UI shows it. */
export type OnionReachability = 'publishing' | 'reachable' | 'offline';

/** What publishing learned about this tor, to avoid asking twice. */
export interface PublishOutcome {
  readonly powEnabled: boolean;
  /** Whether tor took the per-circuit stream limit (false too when the spec asked for none). */
  readonly streamLimitEnabled: boolean;
}

/** The optional ADD_ONION keywords to send; each is left out once tor refuses it. */
interface AddOnionFeatures {
  readonly pow: boolean;
  readonly streamLimit: boolean;
}

function targetText(target: OnionTarget): string {
  return target.kind === 'unix' ? `unix:${target.path}` : `127.0.0.1:${String(target.port)}`;
}

/** The command for the spec: `Flags=DiscardPK[,MaxStreamsCloseCircuit] [MaxStreams=N] [PoWDefensesEnabled=1] Port=…`. */
export function addOnionCommand(spec: OnionServiceSpec, features: AddOnionFeatures): string {
  const limit = features.streamLimit ? spec.maxStreamsPerCircuit : undefined;
  const parts = ['ADD_ONION', spec.key.torAddOnionKeyBlob(), limit === undefined ? 'Flags=DiscardPK' : 'Flags=DiscardPK,MaxStreamsCloseCircuit'];
  if (limit !== undefined) parts.push(`MaxStreams=${String(limit)}`);
  if (features.pow) parts.push('PoWDefensesEnabled=1');
  parts.push(`Port=${String(spec.virtualPort)},${targetText(spec.target)}`);
  return parts.join(' ');
}

/** tor answers 512/513 for keywords it does not know: an older tor, or one built without PoW. */
function rejectsKeyword(error: unknown, keyword: RegExp): boolean {
  return error instanceof TorControlError && (error.statusCode === 512 || error.statusCode === 513) && keyword.test(error.torMessage);
}

function isCollision(error: unknown): boolean {
  return error instanceof TorControlError && error.statusCode === 550 && /collision/i.test(error.torMessage);
}

/**
 * Adds the service. `tryPow` false skips the PoW keyword, `tryStreamLimit` false the per-circuit stream limit (a
 * previous attempt showed tor rejects it); a keyword tor refuses is dropped and the service added without it.
 * An address already loaded in this tor ("550 Onion address collision") is removed and added again,
 * so the port mapping is always the one asked for.
 */
export async function publishOnionService(control: ControlConnection, spec: OnionServiceSpec, tryPow = true, tryStreamLimit = true): Promise<PublishOutcome> {
  const add = async (features: AddOnionFeatures): Promise<void> => {
    const reply = await control.command(addOnionCommand(spec, features));
    const { serviceId } = parseAddOnionReply(reply);
    if (serviceId !== spec.key.address) {
      throw new OnionPublishError(`tor published ${serviceId}.onion instead of ${spec.key.address}.onion.`);
    }
  };
  const addWithFallback = async (): Promise<PublishOutcome> => {
    let features: AddOnionFeatures = { pow: tryPow, streamLimit: tryStreamLimit && spec.maxStreamsPerCircuit !== undefined };
    for (;;) {
      try {
        await add(features);
        return { powEnabled: features.pow, streamLimitEnabled: features.streamLimit };
      } catch (error) {
        if (features.pow && rejectsKeyword(error, /pow/i)) features = { ...features, pow: false };
        else if (features.streamLimit && rejectsKeyword(error, /maxstreams/i)) features = { ...features, streamLimit: false };
        else throw error;
      }
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
