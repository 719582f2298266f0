/* `npm run token -- USER_ID [TTL_SECONDS]`: mints a signed user token, as an in-app IM back end
 * would, with USER_TOKEN_SECRET (or the development secret). */
import { DEV_USER_TOKEN_SECRET, parseEnv } from '../bot/config';
import { signUserToken } from '../bot/userToken';

const [sub, ttl = '3600'] = process.argv.slice(2);
if (!sub || !/^\d+$/.test(ttl)) {
  process.stderr.write('usage: npm run token -- USER_ID [TTL_SECONDS]\n');
  process.exit(2);
}
const env = parseEnv(process.env);
const now = Math.floor(Date.now() / 1000);
process.stdout.write(`${signUserToken({ sub, iat: now, exp: now + Number(ttl) }, env.USER_TOKEN_SECRET ?? DEV_USER_TOKEN_SECRET)}\n`);
