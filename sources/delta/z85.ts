/**
 * Z85 (ZeroMQ base-85) decoding, the encoding Delta uses for inline deletion
 * vectors and for the UUID of a deletion vector file name.
 */

const ALPHABET =
  "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

const DIGITS = (() => {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

/** The bytes `text` encodes; throws RangeError on a bad length or character. */
export function z85Decode(text: string): Uint8Array {
  if (text.length % 5 !== 0) {
    throw new RangeError(
      `z85 text length ${text.length} is not a multiple of 5`,
    );
  }
  const out = new Uint8Array((text.length / 5) * 4);
  for (let i = 0, o = 0; i < text.length; i += 5, o += 4) {
    let value = 0;
    for (let j = 0; j < 5; j++) {
      const code = text.charCodeAt(i + j);
      const digit = code < 128 ? DIGITS[code]! : -1;
      if (digit < 0) throw new RangeError(`invalid z85 character at ${i + j}`);
      value = value * 85 + digit;
    }
    if (value > 0xffffffff) throw new RangeError(`z85 group at ${i} overflows`);
    out[o] = value >>> 24;
    out[o + 1] = (value >>> 16) & 0xff;
    out[o + 2] = (value >>> 8) & 0xff;
    out[o + 3] = value & 0xff;
  }
  return out;
}

/** The canonical 8-4-4-4-12 text of a 16-byte UUID. */
export function uuidText(bytes: Uint8Array): string {
  if (bytes.length !== 16) {
    throw new RangeError(`a UUID has 16 bytes, not ${bytes.length}`);
  }
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${
    hex.slice(16, 20)
  }-${hex.slice(20)}`;
}
