import { once } from "node:events";
import { connect, constants, type ClientHttp2Session } from "node:http2";
import { expect } from "chai";
import { startTestServer, type TestServer } from "../helpers/app.js";

// A gRPC message frame with an empty body: a HealthCheckRequest for the server.
const EMPTY_MESSAGE = Buffer.alloc(5);
const HEALTH_CHECK = "/grpc.health.v1.Health/Check";
const HEALTH_WATCH = "/grpc.health.v1.Health/Watch";

function open(server: TestServer): ClientHttp2Session {
  const session = connect(`http://${server.address}`);
  session.on("error", () => {});
  return session;
}

const ping = (s: ClientHttp2Session) => new Promise<boolean>((resolve) => s.ping((err) => resolve(!err)));

// Starts a call; resolves once its first DATA frame has arrived.
async function call(session: ClientHttp2Session, path: string) {
  const req = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers" });
  req.on("error", () => {});
  const closed = once(req, "close");
  req.end(EMPTY_MESSAGE);
  await once(req, "data");
  req.resume();
  return { req, closed };
}

// Sends bare pings back to back until the server goes away (or `max` pings).
async function pingUntilGoaway(session: ClientHttp2Session, max: number) {
  let code: number | undefined;
  session.once("goaway", (c: number) => (code = c));
  let pings = 0;
  while (pings < max && code === undefined && (await ping(session))) pings++;
  if (code === undefined && !session.destroyed) await once(session, "goaway").then(([c]) => (code = c)).catch(() => {});
  return { pings, code };
}

describe("ping policy (gRFC A8): pings are strikes only while the server sends nothing", function () {
  this.timeout(30_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server?.stop());

  it("closes an idle connection flooded with bare pings (GOAWAY too_many_pings)", async () => {
    const session = open(server);
    await once(session, "connect");
    const out = await pingUntilGoaway(session, 100);
    expect(out.code).to.equal(constants.NGHTTP2_ENHANCE_YOUR_CALM);
    expect(out.pings).to.be.below(10);
    session.destroy();
  });

  it("keeps a connection whose pings follow replies, as BDP pings do", async () => {
    const session = open(server);
    await once(session, "connect");
    let goaway = false;
    session.on("goaway", () => (goaway = true));
    for (let i = 0; i < 200; i++) {
      const req = await call(session, HEALTH_CHECK);
      expect(await ping(session)).to.equal(true);
      expect(await ping(session)).to.equal(true); // one more ping after the same reply is no strike yet
      await req.closed;
    }
    expect(goaway).to.equal(false);
    expect(session.destroyed).to.equal(false);
    session.destroy();
  });

  it("closes a connection that floods pings on an open stream the server is not writing to", async () => {
    const session = open(server);
    await once(session, "connect");
    const watch = await call(session, HEALTH_WATCH); // one reply, then silence
    const out = await pingUntilGoaway(session, 100);
    expect(out.code).to.equal(constants.NGHTTP2_ENHANCE_YOUR_CALM);
    watch.req.destroy();
    session.destroy();
  });
});
