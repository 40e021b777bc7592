/**
 * S3 connection settings of a dataset (`s3` key of its config), and how
 * they combine with the standard AWS environment variables.
 */
import type { AwsCredentials } from "./sigv4.ts";

/** S3 or S3-compatible (MinIO, R2, ...) settings; unset fields fall back to AWS_* env vars. */
export interface S3Config {
  region?: string;
  /**
   * e.g. `http://localhost:9000`; default: `AWS_ENDPOINT_URL_S3`, else
   * `AWS_ENDPOINT_URL` (as the AWS SDKs read them), else AWS
   * (`https://s3.{region}.amazonaws.com`).
   */
  endpoint?: string;
  /** Default: "virtual" on AWS, "path" with a custom endpoint (what MinIO needs). */
  addressing_style?: "path" | "virtual";
  /** Required to use an `http://` endpoint from the config (one from the env is explicit enough). */
  allow_http?: boolean;
  access_key_id?: string;
  secret_access_key?: string;
  session_token?: string;
}

/** Settings after defaults and env fallback, as the client uses them. */
export interface ResolvedS3Config {
  region: string;
  endpoint: URL;
  addressingStyle: "path" | "virtual";
  /** null = anonymous (unsigned) requests, for public buckets. */
  credentials: AwsCredentials | null;
}

/** Reads one env var; missing permission counts as unset. */
export type EnvLookup = (name: string) => string | undefined;

const denoEnv: EnvLookup = (name) => {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
};

/**
 * The endpoint the AWS SDKs take from the environment: the service-specific
 * variable wins over the global one, and both are off when
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true.
 */
function envEndpoint(
  env: EnvLookup,
): { name: string; value: string } | null {
  if (env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.toLowerCase() === "true") {
    return null;
  }
  for (const name of ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"]) {
    const value = env(name);
    if (value) return { name, value };
  }
  return null;
}

/**
 * Applies defaults and the AWS_* env fallback; throws an Error naming the
 * field when the endpoint is invalid, http without `allow_http`, or only
 * one of the key pair is given.
 */
export function resolveS3Config(
  config: S3Config,
  env: EnvLookup = denoEnv,
): ResolvedS3Config {
  const region = config.region || env("AWS_REGION") ||
    env("AWS_DEFAULT_REGION") || "us-east-1";
  const fromEnv = config.endpoint === undefined ? envEndpoint(env) : null;
  const key = fromEnv?.name ?? "s3.endpoint";
  let endpoint: URL;
  try {
    endpoint = new URL(
      fromEnv?.value ?? config.endpoint ?? `https://s3.${region}.amazonaws.com`,
    );
  } catch {
    throw new Error(`${key}: not a valid URL`);
  }
  if (endpoint.protocol === "http:" && !config.allow_http && !fromEnv) {
    throw new Error(
      `s3.endpoint: http endpoints are refused unless allow_http is true`,
    );
  }
  if (endpoint.protocol !== "http:" && endpoint.protocol !== "https:") {
    throw new Error(`${key}: must be an http(s) URL`);
  }
  const inline = config.access_key_id !== undefined ||
    config.secret_access_key !== undefined;
  const accessKeyId = inline ? config.access_key_id : env("AWS_ACCESS_KEY_ID");
  const secretAccessKey = inline
    ? config.secret_access_key
    : env("AWS_SECRET_ACCESS_KEY");
  const sessionToken = inline ? config.session_token : env("AWS_SESSION_TOKEN");
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
    throw new Error(
      "s3: access_key_id and secret_access_key must be set together",
    );
  }
  return {
    region,
    endpoint,
    addressingStyle: config.addressing_style ??
      (config.endpoint === undefined && !fromEnv ? "virtual" : "path"),
    credentials: accessKeyId && secretAccessKey
      ? {
        accessKeyId,
        secretAccessKey,
        sessionToken: sessionToken || undefined,
      }
      : null,
  };
}
