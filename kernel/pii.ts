/** Personal data masked in every form it is typed: phones (also +86, spaced), ID-card and bank-card numbers. */
export function maskPersonalData(text: string): string {
  return (
    text
      .replace(/(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])/g, '$1********$2') // ID card (18)
      .replace(/(?<!\d)(\d{4})\d{8,11}(\d{4})(?!\d)/g, '$1****$2') // bank card (16–19)
      // mobile, also as +86 / 86-prefixed and with spaces or hyphens (the shapes nlu/entities.ts reads)
      .replace(/(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?\d{4}[\s-]?(\d{4})(?!\d)/g, '$1****$2')
  );
}
