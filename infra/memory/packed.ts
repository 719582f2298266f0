/**
 * Long-lived values of the memory store, kept as one flat JSON string each rather than as object
 * graphs. A major GC marks every live object: a conversation's state, reference and transcript as
 * objects are a hundred or more of them, as strings a handful (heap snapshots after a saturation
 * run: the state store's 96 objects per conversation became 4; BENCHMARKS.md, eighth session).
 * Reads parse, which is also the copy the store hands out.
 */
export type Packed<T> = string & { readonly __packed: T };

export function pack<T>(value: T): Packed<T> {
  return flatten(JSON.stringify(value)) as Packed<T>;
}

export function unpack<T>(packed: Packed<T>): T {
  return JSON.parse(packed) as T;
}

/**
 * V8's JSON.stringify returns a rope (a tree of cons strings, one per chunk it wrote) for all but
 * short output; kept for hours, each chunk is an object the GC marks. A numeric conversion
 * flattens a string in place (the technique of the `flatstr` package).
 */
export function flatten(s: string): string {
  Number(s);
  return s;
}
