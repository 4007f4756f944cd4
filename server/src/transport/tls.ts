import { readFileSync } from "node:fs";
import { ServerCredentials } from "@grpc/grpc-js";
import { TlsConfigError } from "../core/errors.js";

/** PEM file paths; all unset means plaintext. */
export interface TlsFiles {
  readonly certFile: string | undefined;
  readonly keyFile: string | undefined;
  /** CA that client certificates must be signed by; set: mutual TLS. */
  readonly clientCaFile: string | undefined;
}

/** The transport security in force, for the start-up log line. */
export type TlsMode = "plaintext" | "tls" | "mutual tls";


function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new TlsConfigError(`${what}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
}

/**
 * Server credentials: plaintext without certificate, TLS with a certificate
 * and key, mutual TLS (client certificates required and checked against the
 * CA) when a client CA is given too.
 */
export function serverCredentials(files: TlsFiles): { credentials: ServerCredentials; mode: TlsMode } {
  const { certFile, keyFile, clientCaFile } = files;
  if (certFile === undefined && keyFile === undefined) {
    if (clientCaFile !== undefined) throw new TlsConfigError("TLS_CLIENT_CA_FILE needs TLS_CERT_FILE and TLS_KEY_FILE");
    return { credentials: ServerCredentials.createInsecure(), mode: "plaintext" };
  }
  if (certFile === undefined || keyFile === undefined) {
    throw new TlsConfigError("TLS needs both TLS_CERT_FILE and TLS_KEY_FILE");
  }
  const keyPair = { cert_chain: read(certFile, "TLS_CERT_FILE"), private_key: read(keyFile, "TLS_KEY_FILE") };
  const ca = clientCaFile === undefined ? null : read(clientCaFile, "TLS_CLIENT_CA_FILE");
  return {
    credentials: ServerCredentials.createSsl(ca, [keyPair], ca !== null),
    mode: ca === null ? "tls" : "mutual tls",
  };
}
