/** JSON from storage or a peer, parsed without throwing: undefined when it is not JSON (the caller's zod schema decides the rest). */
export function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
