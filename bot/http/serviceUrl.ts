/**
 * Whether a channel's serviceUrl is one kefu may POST replies to: compared as parsed URLs — same
 * scheme, host and port, and a path under the allowed one — never as raw string prefixes
 * ("http://a:1@b/" and "http://a:10/" are not "http://a:1"). A URL with userinfo is refused.
 */
export function serviceUrlAllowed(serviceUrl: string, allowlist: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  return allowlist.some((entry) => {
    const allowed = new URL(entry);
    if (allowed.protocol !== url.protocol || allowed.hostname !== url.hostname || allowed.port !== url.port) return false;
    const base = allowed.pathname.endsWith('/') ? allowed.pathname : `${allowed.pathname}/`;
    return url.pathname === allowed.pathname || url.pathname.startsWith(base);
  });
}

/** The service URLs kefu's own channels set (https://directline.kefu.invalid/, https://wechat.kefu.invalid/). */
export function isInternalServiceUrl(serviceUrl: string): boolean {
  try {
    return new URL(serviceUrl).hostname.endsWith('.kefu.invalid');
  } catch {
    return false;
  }
}
