import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** sha1 of the sorted parts joined: WeChat's `signature` (token, timestamp, nonce) and `msg_signature` (+ Encrypt). */
export function wechatSignature(...parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

/** Constant-time comparison of a presented signature with the expected one. */
export function signatureMatches(presented: string | undefined, expected: string): boolean {
  if (!presented) return false;
  const a = Buffer.from(presented.toLowerCase());
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export class WeChatCryptoError extends Error {}

const BLOCK = 32;

/**
 * WXBizMsgCrypt: AES-256-CBC with key = base64(EncodingAESKey + "="), IV = the key's first 16
 * bytes, PKCS#7 padding to 32-byte blocks; plaintext = 16 random bytes + 4-byte big-endian length
 * + message + receive ID (the appid, or the corpid for WeCom). Several keys may be given: the
 * current one encrypts, any of them decrypts (an EncodingAESKey rotation).
 */
export class WeChatCrypto {
  private readonly keys: Buffer[];

  constructor(
    encodingAesKeys: readonly string[],
    private readonly receiveId: string,
  ) {
    if (encodingAesKeys.length === 0) throw new WeChatCryptoError('no EncodingAESKey');
    this.keys = encodingAesKeys.map((k) => {
      if (!/^[A-Za-z0-9+/]{43}$/.test(k)) throw new WeChatCryptoError('an EncodingAESKey is 43 base64 characters');
      return Buffer.from(`${k}=`, 'base64');
    });
  }

  encrypt(message: string, random: Buffer = randomBytes(16)): string {
    const body = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length, 0);
    const plain = Buffer.concat([random, length, body, Buffer.from(this.receiveId, 'utf8')]);
    const pad = BLOCK - (plain.length % BLOCK);
    const padded = Buffer.concat([plain, Buffer.alloc(pad, pad)]);
    const key = this.keys[0];
    const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
  }

  /** The message inside `encrypted`; throws unless some key decrypts it and the receive ID matches. */
  decrypt(encrypted: string): string {
    let lastError: unknown;
    for (const key of this.keys) {
      try {
        return this.decryptWith(key, encrypted);
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError instanceof WeChatCryptoError ? lastError : new WeChatCryptoError('cannot decrypt');
  }

  private decryptWith(key: Buffer, encrypted: string): string {
    const data = Buffer.from(encrypted, 'base64');
    if (data.length === 0 || data.length % 16 !== 0) throw new WeChatCryptoError('ciphertext is not a whole number of AES blocks');
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    const padded = Buffer.concat([decipher.update(data), decipher.final()]);
    const pad = padded[padded.length - 1];
    if (pad < 1 || pad > BLOCK || pad > padded.length) throw new WeChatCryptoError('bad padding');
    const plain = padded.subarray(0, padded.length - pad);
    if (plain.length < 20) throw new WeChatCryptoError('too short');
    const length = plain.readUInt32BE(16);
    if (20 + length > plain.length) throw new WeChatCryptoError('bad length');
    const message = plain.subarray(20, 20 + length).toString('utf8');
    const receiveId = plain.subarray(20 + length).toString('utf8');
    if (receiveId !== this.receiveId) throw new WeChatCryptoError('the message is for another appid/corpid');
    return message;
  }
}
