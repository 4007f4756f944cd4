import { credentials, status } from "@grpc/grpc-js";
import { expect } from "chai";
import type { ClientOptions } from "../../clients/typescript/src/index.js";
import { makeTestCerts, type TestCerts } from "../helpers/certs.js";
import { bytes, startTestServer, text, type TestServer } from "../helpers/app.js";

async function works(server: TestServer, options: ClientOptions): Promise<boolean> {
  // The certificate names localhost; the test server's address is 127.0.0.1.
  const channelOptions = { "grpc.ssl_target_name_override": "localhost" };
  const c = server.client("tls", { deadlineMs: 3000, channelOptions, ...options });
  try {
    await c.set("k", bytes("v"));
    return text(await c.get("k")) === "v";
  } catch (err) {
    expect((err as { code: number }).code).to.equal(status.UNAVAILABLE);
    return false;
  }
}

describe("TLS", function () {
  let certs: TestCerts;
  before(() => {
    certs = makeTestCerts();
  });

  describe("with a server certificate", () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ TLS_CERT_FILE: certs.server.certFile, TLS_KEY_FILE: certs.server.keyFile });
    });
    after(() => server.stop());

    it("serves clients that trust its CA", async () => {
      expect(await works(server, { credentials: credentials.createSsl(certs.ca.cert) })).to.equal(true);
    });

    it("refuses plaintext clients and clients that trust another CA", async () => {
      expect(await works(server, {})).to.equal(false);
      expect(await works(server, { credentials: credentials.createSsl(certs.otherCa.cert) })).to.equal(false);
      expect(await works(server, { credentials: credentials.createSsl(certs.ca.cert) })).to.equal(true);
    });
  });

  describe("with a client CA (mutual TLS)", () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({
        TLS_CERT_FILE: certs.server.certFile,
        TLS_KEY_FILE: certs.server.keyFile,
        TLS_CLIENT_CA_FILE: certs.ca.certFile,
      });
    });
    after(() => server.stop());

    it("serves clients with a certificate from the client CA", async () => {
      const creds = credentials.createSsl(certs.ca.cert, certs.client.key, certs.client.cert);
      expect(await works(server, { credentials: creds })).to.equal(true);
    });

    it("refuses clients without a certificate or with one from another CA", async () => {
      expect(await works(server, { credentials: credentials.createSsl(certs.ca.cert) })).to.equal(false);
      const stranger = credentials.createSsl(certs.ca.cert, certs.stranger.key, certs.stranger.cert);
      expect(await works(server, { credentials: stranger })).to.equal(false);
      expect(await works(server, {})).to.equal(false);
    });
  });

  it("refuses to start with half a TLS configuration", async () => {
    const err = await startTestServer({ TLS_CERT_FILE: certs.server.certFile }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).to.equal("TLS needs both TLS_CERT_FILE and TLS_KEY_FILE");
  });
});
