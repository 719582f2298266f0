import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import busboy from 'busboy';
import { z } from 'zod';
import type { KeyValueStore } from '../../infra/kv';
import { parseJson } from '../../kernel/json';

/** What a customer may send as a file: pictures (evidence of a wrong or spoiled order) and PDFs (receipts). */
const ALLOWED = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf'] as const;
export type UploadType = (typeof ALLOWED)[number];
export const MAX_FILES = 5;

/** The type a file's first bytes prove: the declared Content-Type is the client's word, not the file's. */
export function sniffType(bytes: Buffer): UploadType | undefined {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (bytes.subarray(0, 6).toString('latin1') === 'GIF87a' || bytes.subarray(0, 6).toString('latin1') === 'GIF89a') return 'image/gif';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  return undefined;
}

export interface UploadedFile {
  name: string;
  contentType: UploadType;
  bytes: Buffer;
}

export type UploadParse = { ok: true; files: UploadedFile[]; activity: unknown } | { ok: false; status: 400 | 413 | 415; detail: string };

/**
 * Direct Line's upload: multipart/form-data with one part per file and, optionally, an `activity`
 * part (JSON) carrying the text sent with them — what botframework-directlinejs and Web Chat post.
 * Bounded: at most MAX_FILES files of `maxBytes` each; every file's type is proven by its bytes.
 */
export function parseUpload(req: Request, maxBytes: number): Promise<UploadParse> {
  return new Promise((resolve) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: MAX_FILES, fileSize: maxBytes, fields: 4, fieldSize: 16 * 1024, parts: MAX_FILES + 4 } });
    } catch {
      return resolve({ ok: false, status: 415, detail: 'send the upload as multipart/form-data' });
    }
    const files: UploadedFile[] = [];
    let activity: unknown;
    let failure: Extract<UploadParse, { ok: false }> | undefined;
    const fail = (f: Extract<UploadParse, { ok: false }>) => (failure ??= f);
    parser.on('file', (field, stream, info) => {
      // busboy leaves the name out when the part has none.
      const named: string = (info as { filename?: string }).filename ?? '';
      const chunks: Buffer[] = [];
      let truncated = false;
      stream.on('limit', () => (truncated = true));
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const shown = named === '' ? 'a file' : named;
        if (field === 'activity') {
          activity = parseJson(bytes.toString('utf8').slice(0, 16 * 1024));
          return;
        }
        if (truncated) return void fail({ ok: false, status: 413, detail: `${shown} is larger than ${String(maxBytes)} bytes` });
        const type = sniffType(bytes);
        if (!type) return void fail({ ok: false, status: 415, detail: `${shown}: only ${ALLOWED.join(', ')} are accepted` });
        files.push({ name: (named === '' ? 'file' : named).replace(/[\\/\r\n"]/g, '_').slice(0, 120), contentType: type, bytes });
      });
    });
    parser.on('field', (field, value) => {
      if (field === 'activity') activity = parseJson(value);
    });
    parser.on('filesLimit', () => fail({ ok: false, status: 413, detail: `at most ${String(MAX_FILES)} files per upload` }));
    parser.on('error', () => resolve({ ok: false, status: 400, detail: 'the multipart body could not be read' }));
    parser.on('close', () => {
      if (failure) return resolve(failure);
      if (files.length === 0) return resolve({ ok: false, status: 400, detail: 'no file in the upload' });
      resolve({ ok: true, files, activity });
    });
    req.pipe(parser);
  });
}

const Stored = z.object({ conversationId: z.string(), name: z.string(), contentType: z.enum(ALLOWED), data: z.string() }).strict();
export type StoredAttachment = Omit<z.infer<typeof Stored>, 'data'> & { bytes: Buffer };

/**
 * Uploaded files, kept with the conversation for as long as its transcript (the shared kv: every
 * instance serves them). Each is reached by an unguessable ID (128 random bits): the customer's
 * client and the agent's console show it with a plain <img>, which cannot send a credential.
 */
export class AttachmentStore {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly ttlMs: number,
  ) {}

  async put(conversationId: string, file: UploadedFile): Promise<string> {
    const id = randomBytes(16).toString('hex');
    const value: z.infer<typeof Stored> = { conversationId, name: file.name, contentType: file.contentType, data: file.bytes.toString('base64') };
    await this.kv.set(`attachment:${id}`, JSON.stringify(value), this.ttlMs);
    return id;
  }

  async get(id: string): Promise<StoredAttachment | undefined> {
    if (!/^[0-9a-f]{32}$/.test(id)) return undefined;
    const raw = await this.kv.get(`attachment:${id}`);
    const parsed = raw === undefined ? undefined : Stored.safeParse(parseJson(raw));
    if (!parsed?.success) return undefined;
    const { data, ...rest } = parsed.data;
    return { ...rest, bytes: Buffer.from(data, 'base64') };
  }
}
