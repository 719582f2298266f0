/**
 * Long-lived values of the memory store, kept as one flat JSON string each rather than as object
 * graphs. A major GC marks every live object: a conversation's state, reference and transcript as
 * objects are a few hundred of them, as strings a handful (heap snapshot after 13,562 turns: 410k
 * objects held by the memory store → see BENCHMARKS.md). Reads parse, which is also the copy the
 * store hands out.
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
