/** One JSON line per event on stderr, filtered by DATAPRESS_LOG. */
const LEVELS = { error: 0, warn: 1, info: 2, debug: 3 } as const;
type Level = keyof typeof LEVELS;

const configured = (Deno.env.get("DATAPRESS_LOG") ?? "warn") as Level;
const threshold = LEVELS[configured] ?? LEVELS.warn;

export function logEnabled(level: Level): boolean {
  return LEVELS[level] <= threshold;
}

export function log(level: Level, fields: Record<string, unknown>): void {
  if (!logEnabled(level)) return;
  console.error(
    JSON.stringify({ ts: new Date().toISOString(), level, ...fields }),
  );
}
