/**
 * S3 connection settings of a dataset (`s3` key of its config), and how
 * they combine with the standard AWS environment variables.
 */
import type { AwsCredentials } from "./sigv4.ts";

/** S3 or S3-compatible (MinIO, R2, ...) settings; unset fields fall back to AWS_* env vars. */
export interface S3Config {
  region?: string;
  /** e.g. `http://localhost:9000`; default: AWS (`https://s3.{region}.amazonaws.com`). */
  endpoint?: string;
  /** Default: "virtual" on AWS, "path" with a custom endpoint. */
  addressing_style?: "path" | "virtual";
  /** Required to use an `http://` endpoint. */
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
 * Applies defaults and the AWS_* env fallback; throws an Error naming the
 * field when the endpoint is invalid, http without `allow_http`, or only
 * one of the key pair is given.
 */
export function resolveS3Config(
  config: S3Config,
  env: EnvLookup = denoEnv,
): ResolvedS3Config {
  const region = config.region || env("AWS_REGION") || "us-east-1";
  let endpoint: URL;
  try {
    endpoint = new URL(config.endpoint ?? `https://s3.${region}.amazonaws.com`);
  } catch {
    throw new Error(`s3.endpoint: not a valid URL`);
  }
  if (endpoint.protocol === "http:" && !config.allow_http) {
    throw new Error(
      `s3.endpoint: http endpoints are refused unless allow_http is true`,
    );
  }
  if (endpoint.protocol !== "http:" && endpoint.protocol !== "https:") {
    throw new Error(`s3.endpoint: must be an http(s) URL`);
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
      (config.endpoint === undefined ? "virtual" : "path"),
    credentials: accessKeyId && secretAccessKey
      ? {
        accessKeyId,
        secretAccessKey,
        sessionToken: sessionToken || undefined,
      }
      : null,
  };
}
