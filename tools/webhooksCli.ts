/* `npm run webhooks -- verify --secret S --timestamp T --signature SIG [--body-file F]` (body on stdin otherwise)
 *   checks a delivery as a receiver must: X-Kefu-Signature is "sha256=" + hex HMAC-SHA256 of
 *   `${X-Kefu-Timestamp}.${raw body}` with the webhook's secret, compared in constant time, and the
 *   timestamp is within 5 minutes. Prints "valid" (exit 0) or "invalid" (exit 1).
 * `npm run webhooks -- sign --secret S --timestamp T [--body-file F]` prints the signature (for a receiver's tests). */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { signWebhook, verifyWebhook } from '../handoff/webhooks';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { secret: { type: 'string' }, timestamp: { type: 'string' }, signature: { type: 'string' }, 'body-file': { type: 'string' } },
});
const [command] = positionals;
if ((command !== 'verify' && command !== 'sign') || !values.secret || !values.timestamp || (command === 'verify' && !values.signature)) {
  process.stderr.write(
    'usage: npm run webhooks -- verify --secret S --timestamp T --signature SIG [--body-file F]\n       npm run webhooks -- sign --secret S --timestamp T [--body-file F]\n',
  );
  process.exit(2);
}
const body = readFileSync(values['body-file'] ?? 0, 'utf8');
if (command === 'sign') {
  process.stdout.write(`${signWebhook(values.secret, values.timestamp, body)}\n`);
} else {
  const ok = verifyWebhook(values.secret, values.timestamp, body, values.signature ?? '', Date.now());
  process.stdout.write(ok ? 'valid\n' : 'invalid\n');
  process.exit(ok ? 0 : 1);
}
