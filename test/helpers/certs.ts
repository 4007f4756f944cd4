import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A certificate and its key: paths, and the PEM bytes a client hands grpc-js. */
export interface KeyPair {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** Certificates made for one test run, in a fresh temporary directory. */
export interface TestCerts {
  /** The CA that signed `server` and `client`. */
  readonly ca: KeyPair;
  /** For localhost and 127.0.0.1. */
  readonly server: KeyPair;
  readonly client: KeyPair;
  /** A client certificate signed by another CA, which the server must refuse. */
  readonly stranger: KeyPair;
  /** The other CA, which signed `stranger`. */
  readonly otherCa: KeyPair;
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

function pair(dir: string, name: string): KeyPair {
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}.key`);
  return { certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
}

const KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

function makeCa(dir: string, name: string): KeyPair {
  openssl(dir, "req", "-x509", ...KEY, "-keyout", `${name}.key`, "-out", `${name}.pem`, "-days", "2", "-subj", `/CN=${name}`);
  return pair(dir, name);
}

function makeSigned(dir: string, name: string, ca: string, ext: string): KeyPair {
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, "req", ...KEY, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`);
  openssl(dir, "x509", "-req", "-in", `${name}.csr`, "-CA", `${ca}.pem`, "-CAkey", `${ca}.key`, "-CAcreateserial",
    "-out", `${name}.pem`, "-days", "2", "-extfile", `${name}.ext`);
  return pair(dir, name);
}

/** Makes a CA, a server certificate and client certificates with openssl. */
export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), "tc-certs-"));
  const clientExt = "extendedKeyUsage=clientAuth\n";
  return {
    ca: makeCa(dir, "ca"),
    server: makeSigned(dir, "server", "ca", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"),
    client: makeSigned(dir, "client", "ca", clientExt),
    otherCa: makeCa(dir, "other-ca"),
    stranger: makeSigned(dir, "stranger", "other-ca", clientExt),
  };
}
