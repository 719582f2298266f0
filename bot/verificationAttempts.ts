import type { VerificationAttempts } from '../dialogs/deps';
import type { KeyValueStore } from '../infra/kv';

/** How long three failed checks lock an order's phone-digit verification, across conversations. */
const VERIFY_LOCK_MS = 60 * 60 * 1000;

/** Failed identity checks per order, in the shared store: every instance and conversation counts them. */
export function verificationAttempts(kv: KeyValueStore): VerificationAttempts {
  const key = (orderId: string) => `verify-fail:${orderId}`;
  return {
    failures: async (orderId) => Number((await kv.get(key(orderId))) ?? 0),
    recordFailure: (orderId) => kv.increment(key(orderId), VERIFY_LOCK_MS),
  };
}
