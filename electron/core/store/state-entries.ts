// The state document as entries keyed by path (the rows of `state_entries`), and each entry's check against its part of the schema.
import { z } from 'zod';
import { stateSchema } from './state-schema.js';

/** Each entry of the document as JSON, keyed by the JSON of its path. */
export type Entries = Map<string, string>;
export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The document's maps whose members are entries of their own: the root, each top-level object, each kind of Signal record. */
function isContainer(path: readonly string[], value: unknown): value is JsonObject {
  return isObject(value) && (path.length <= 1 || (path.length === 2 && path[0] === 'signalRecords'));
}

export function flatten(value: unknown, path: string[], into: Entries): Entries {
  if (isContainer(path, value)) {
    const keys = Object.keys(value);
    // An empty map is an entry of its own, so that reading it back recreates it.
    if (keys.length === 0 && path.length > 0) into.set(JSON.stringify(path), '{}');
    for (const key of keys) flatten(value[key], [...path, key], into);
    return into;
  }
  const json = JSON.stringify(value) as string | undefined;
  if (json !== undefined) into.set(JSON.stringify(path), json);
  return into;
}

/** Rebuilds the document from its entries; a path or value that is not JSON of the right shape throws. */
export function assemble(entries: Iterable<[string, string]>): JsonObject {
  const doc: JsonObject = {};
  for (const [pathJson, valueJson] of entries) {
    const path = z.array(z.string()).min(1).max(3).parse(JSON.parse(pathJson));
    let node = doc;
    for (const key of path.slice(0, -1)) {
      const next = Object.hasOwn(node, key) ? node[key] : undefined;
      if (isObject(next)) node = next;
      else {
        const created: JsonObject = {};
        Object.defineProperty(node, key, { value: created, enumerable: true, writable: true, configurable: true });
        node = created;
      }
    }
    Object.defineProperty(node, path.at(-1)!, { value: JSON.parse(valueJson) as unknown, enumerable: true, writable: true, configurable: true });
  }
  return doc;
}

/** The entries of `after` that differ from `before`, and the paths `after` no longer has. */
export function changedEntries(before: Entries, after: Entries): { set: [string, string][]; removed: string[] } {
  const removed: string[] = [];
  const set: [string, string][] = [];
  for (const path of before.keys()) if (!after.has(path)) removed.push(path);
  for (const [path, json] of after) if (before.get(path) !== json) set.push([path, json]);
  return { set, removed };
}

/** The schema of the map or object that holds the entry at `path`, or undefined for the root. */
function containerSchema(path: readonly string[]): z.ZodType | undefined {
  if (path.length === 1) return undefined;
  const top = stateSchema.shape[path[0] as keyof typeof stateSchema.shape] as z.ZodType | undefined;
  if (path.length === 2 || top === undefined) return top;
  return top instanceof z.ZodObject ? (top.shape as Record<string, z.ZodType>)[path[1]!] : undefined;
}

/** The schema of the entry at `path`; an entry the document has no place for is refused. */
function entrySchema(path: readonly string[]): z.ZodType {
  const container = containerSchema(path);
  const key = path.at(-1)!;
  const schema =
    container === undefined
      ? (stateSchema.shape[key as keyof typeof stateSchema.shape] as z.ZodType | undefined)
      : container instanceof z.ZodRecord
        ? (container.valueType as z.ZodType)
        : container instanceof z.ZodObject
          ? (container.shape as Record<string, z.ZodType>)[key]
          : undefined;
  if (schema === undefined) throw new Error(`the state has no place for ${path.join('.')}`);
  return schema;
}

/**
 * Checks each changed entry against its own part of the schema, so a write costs the entries it changed, not the
 * whole document: a set value must fit; a removed one must be optional (a map's member always is).
 */
export function validateChanges(doc: JsonObject, set: readonly [string, string][], removed: readonly string[]): void {
  for (const [pathJson, valueJson] of set) {
    const path = JSON.parse(pathJson) as string[];
    const result = entrySchema(path).safeParse(JSON.parse(valueJson));
    if (!result.success) throw new Error(`${path.join('.')}: ${result.error.message.slice(0, 300)}`);
  }
  for (const pathJson of removed) {
    const path = JSON.parse(pathJson) as string[];
    // The map or object that held it must still be there: removing one whole leaves no entry to say so.
    const holder = path.slice(0, -1).reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), doc);
    if (!isObject(holder)) throw new Error(`${path.slice(0, -1).join('.')} is required and cannot be removed`);
    // An empty map's own entry goes when its first member comes.
    if (isObject(holder[path.at(-1)!])) continue;
    if (containerSchema(path) instanceof z.ZodRecord) continue;
    // A top-level map removed whole, or a required field: the document would no longer open.
    if (entrySchema(path).safeParse(undefined).success) continue;
    throw new Error(`${path.join('.')} is required and cannot be removed`);
  }
}
