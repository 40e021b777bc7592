/**
 * Just enough XML reading for S3 answers: ListObjectsV2 results and error
 * bodies. S3 XML is flat and machine-written (no CDATA, comments or
 * attributes on the fields we read), so element text by tag is enough.
 */

/** One object row of a ListObjectsV2 answer. */
export interface ListedObject {
  key: string;
  size: number;
  etag: string;
}

export interface ListPage {
  objects: ListedObject[];
  /** Token for the next page; null when this page is the last. */
  nextContinuationToken: string | null;
}

/** Parses a ListBucketResult document; throws when a field is missing or malformed. */
export function parseListObjectsV2(xml: string): ListPage {
  if (!/<ListBucketResult[\s>]/.test(xml)) {
    throw new Error("not a ListBucketResult document");
  }
  const objects: ListedObject[] = [];
  for (const match of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
    const body = match[1]!;
    const key = childText(body, "Key");
    const size = Number(childText(body, "Size"));
    if (key === null || !Number.isSafeInteger(size) || size < 0) {
      throw new Error("malformed Contents entry");
    }
    objects.push({ key, size, etag: unquote(childText(body, "ETag") ?? "") });
  }
  // Only the top-level flag matters; Contents bodies hold no IsTruncated.
  const truncated = childText(xml, "IsTruncated") === "true";
  const token = childText(xml, "NextContinuationToken");
  if (truncated && !token) {
    throw new Error("truncated listing without NextContinuationToken");
  }
  return { objects, nextContinuationToken: truncated ? token : null };
}

/** The `<Code>` of an S3 error body, or null. */
export function parseErrorCode(xml: string): string | null {
  return childText(xml, "Code");
}

/** Text of the first `<tag>` element under `xml`, entity-decoded; null when absent. */
export function childText(xml: string, tag: string): string | null {
  const open = xml.indexOf(`<${tag}>`);
  if (open < 0) return xml.includes(`<${tag}/>`) ? "" : null;
  const start = open + tag.length + 2;
  const end = xml.indexOf(`</${tag}>`, start);
  if (end < 0) return null;
  return decodeEntities(xml.slice(start, end));
}

const NAMED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};

/** Decodes the five XML entities and numeric character references. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref) => {
    if (ref[0] === "#") {
      const code = ref[1] === "x"
        ? parseInt(ref.slice(2), 16)
        : parseInt(ref.slice(1), 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref] ?? whole;
  });
}

function unquote(etag: string): string {
  return etag.replace(/^"|"$/g, "");
}
