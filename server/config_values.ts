/**
 * The checks every config key goes through: each names the key it refuses
 * and says what it expected (ConfigError → one line, exit 2).
 */
import { ConfigError } from "../auth/mod.ts";
import { closest } from "../query/parse.ts";

export function checkKeys(
  obj: Record<string, unknown>,
  allowed: string[],
  path: string,
) {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      const near = closest(k, allowed);
      throw new ConfigError(
        path ? `${path}.${k}` : k,
        `unknown key${near ? ` (did you mean "${near}"?)` : ""}`,
      );
    }
  }
}

export function obj(v: unknown, key: string): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw new ConfigError(key, "must be an object");
  }
  return v as Record<string, unknown>;
}

export function str(v: unknown, key: string): string {
  if (typeof v !== "string") throw new ConfigError(key, "must be a string");
  return v;
}

export function bool(v: unknown, key: string): boolean {
  if (typeof v !== "boolean") {
    throw new ConfigError(key, "must be true or false");
  }
  return v;
}

export function int(
  v: unknown,
  key: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new ConfigError(key, `must be an integer between ${min} and ${max}`);
  }
  return v;
}

export function oneOf<T extends string>(
  v: unknown,
  allowed: readonly T[],
  key: string,
): T {
  if (typeof v !== "string" || !allowed.includes(v as T)) {
    throw new ConfigError(key, `must be one of ${allowed.join(", ")}`);
  }
  return v as T;
}
