import { XMLParser } from 'fast-xml-parser';

export class WeChatXmlError extends Error {}

export const MAX_XML_BYTES = 64 * 1024;

const parser = new XMLParser({
  // No entity expansion of any kind, no type coercion: MsgIds exceed 2^53 and must stay strings.
  processEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: false,
  cdataPropName: false,
});

/**
 * The children of WeChat's flat `<xml>…</xml>` envelope, as strings. Any DOCTYPE or ENTITY
 * declaration is refused before parsing; malformed or oversized input throws WeChatXmlError.
 */
export function parseWeChatXml(body: string): Partial<Record<string, string>> {
  if (Buffer.byteLength(body) > MAX_XML_BYTES) throw new WeChatXmlError('body too large');
  // Declarations in the document are refused; the same characters inside a CDATA text (a customer
  // typing "<!DOCTYPE") are content, not markup.
  if (/<!DOCTYPE|<!ENTITY/i.test(body.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, ''))) throw new WeChatXmlError('DOCTYPE and ENTITY declarations are refused');
  let doc: unknown;
  try {
    // Validation is what refuses truncated or malformed XML; the separate fast-xml-validator package is not a dependency.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    doc = parser.parse(body, true);
  } catch (err) {
    throw new WeChatXmlError(`malformed XML: ${(err as Error).message}`);
  }
  const root = (doc as { xml?: unknown }).xml;
  if (!root || typeof root !== 'object' || Array.isArray(root)) throw new WeChatXmlError('expected an <xml> root element');
  const out: Partial<Record<string, string>> = {};
  for (const [k, v] of Object.entries(root as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    // Nested elements (e.g. SendLocationInfo) are not needed by kefu and are dropped.
  }
  return out;
}

const cdata = (s: string) => `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

/** A passive text reply, addressed back to the sender. */
export function textReplyXml(to: string, from: string, createTime: number, content: string): string {
  return `<xml><ToUserName>${cdata(to)}</ToUserName><FromUserName>${cdata(from)}</FromUserName><CreateTime>${createTime}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(content)}</Content></xml>`;
}

/** The envelope of an encrypted passive reply. */
export function encryptedReplyXml(encrypt: string, signature: string, timestamp: string, nonce: string): string {
  return `<xml><Encrypt>${cdata(encrypt)}</Encrypt><MsgSignature>${cdata(signature)}</MsgSignature><TimeStamp>${timestamp}</TimeStamp><Nonce>${cdata(nonce)}</Nonce></xml>`;
}
