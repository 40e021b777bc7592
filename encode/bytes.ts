/**
 * A growable UTF-8 output buffer. JSON pages are written straight into it:
 * building a string per value, a string per row and one big string to
 * encode at the end spent most of the time in allocation and GC.
 */
const utf8 = new TextEncoder();

// Encoding is synchronous, so one scratch buffer serves every writer in
// turn; a fresh zeroed buffer per small page cost more than the page.
let scratch: Uint8Array<ArrayBuffer> = new Uint8Array(64 * 1024);
const KEEP_BYTES = 16 * 2 ** 20;
const POW10 = Array.from({ length: 16 }, (_, i) => 10 ** i);

export class ByteWriter {
  #buf: Uint8Array<ArrayBuffer>;
  #pos = 0;

  constructor() {
    this.#buf = scratch;
  }

  #room(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
  }

  bytes(b: Uint8Array): void {
    const n = b.length;
    this.#room(n);
    // TypedArray.set costs more than a loop for the short keys written per value.
    if (n > 32) this.#buf.set(b, this.#pos);
    else {
      const buf = this.#buf;
      const p = this.#pos;
      for (let i = 0; i < n; i++) buf[p + i] = b[i]!;
    }
    this.#pos += n;
  }

  /** `n` bytes of `src` from `from` (short runs: a loop, no subarray). */
  copy(src: Uint8Array, from: number, n: number): void {
    this.#room(n);
    const buf = this.#buf;
    const p = this.#pos;
    for (let i = 0; i < n; i++) buf[p + i] = src[from + i]!;
    this.#pos = p + n;
  }

  byte(c: number): void {
    this.#room(1);
    this.#buf[this.#pos++] = c;
  }

  /** Text known to be ASCII (numbers, dates, keywords). */
  ascii(s: string): void {
    const n = s.length;
    this.#room(n);
    const buf = this.#buf;
    let p = this.#pos;
    for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
    this.#pos = p;
  }

  /** A non-negative integer below 10^width, zero-padded to `width` digits. */
  padded(n: number, width: number): void {
    this.#room(width);
    const buf = this.#buf;
    const start = this.#pos;
    let i = start + width - 1;
    // Integer division in int32 where it fits: Math.floor and % on doubles cost more.
    for (; n >= 2147483648 && i >= start; i--) {
      const q = Math.floor(n / 10);
      buf[i] = 0x30 + (n - q * 10);
      n = q;
    }
    for (; i >= start; i--) {
      const q = (n / 10) | 0;
      buf[i] = 0x30 + (n - q * 10);
      n = q;
    }
    this.#pos = start + width;
  }

  /** A non-negative integer below 2^53, in decimal, without a string. */
  digits(n: number): void {
    if (n < 10) return this.byte(0x30 + n);
    let width = 2;
    while (width < 16 && n >= POW10[width]!) width++;
    this.padded(n, width);
  }

  /** Any text, UTF-8 encoded as is. */
  text(s: string): void {
    this.#room(s.length * 3);
    this.#pos += utf8.encodeInto(s, this.#buf.subarray(this.#pos)).written;
  }

  /**
   * `s` as a JSON string, byte for byte what JSON.stringify gives. Plain
   * text is copied in one pass; anything needing an escape, and astral
   * characters, go through JSON.stringify.
   */
  jsonString(s: string): void {
    const n = s.length;
    this.#room(n * 3 + 2);
    const buf = this.#buf;
    let p = this.#pos;
    buf[p++] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (c < 0x20 || c === 0x22 || c === 0x5c) return this.#slow(s);
        buf[p++] = c;
      } else if (c < 0x800) {
        buf[p++] = 0xc0 | (c >> 6);
        buf[p++] = 0x80 | (c & 0x3f);
      } else if (c >= 0xd800 && c <= 0xdfff) {
        return this.#slow(s);
      } else {
        buf[p++] = 0xe0 | (c >> 12);
        buf[p++] = 0x80 | ((c >> 6) & 0x3f);
        buf[p++] = 0x80 | (c & 0x3f);
      }
    }
    buf[p++] = 0x22;
    this.#pos = p;
  }

  /**
   * `s` as UTF-8 in one pass, returning true; or, when it holds an ASCII
   * character `stop` marks (128 entries) or a surrogate, nothing written
   * and false, for the caller's slow path.
   */
  plain(s: string, stop: Uint8Array): boolean {
    const n = s.length;
    this.#room(n * 3);
    const buf = this.#buf;
    let p = this.#pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (stop[c] === 1) return false;
        buf[p++] = c;
      } else if (c < 0x800) {
        buf[p++] = 0xc0 | (c >> 6);
        buf[p++] = 0x80 | (c & 0x3f);
      } else if (c >= 0xd800 && c <= 0xdfff) {
        return false;
      } else {
        buf[p++] = 0xe0 | (c >> 12);
        buf[p++] = 0x80 | ((c >> 6) & 0x3f);
        buf[p++] = 0x80 | (c & 0x3f);
      }
    }
    this.#pos = p;
    return true;
  }

  #slow(s: string): void {
    this.text(JSON.stringify(s));
  }

  /** A copy of the bytes written; the writer must not be used after. */
  result(): Uint8Array {
    const out = this.#buf.slice(0, this.#pos);
    if (this.#buf.length <= KEEP_BYTES) scratch = this.#buf;
    return out;
  }
}
