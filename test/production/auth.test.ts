import { execSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { Writable } from "node:stream";
import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import { pino } from "pino";
import type { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { TokensFileError } from "../../server/src/core/errors.js";
import { parseTokens } from "../../server/src/transport/auth/tokens-file.js";
import { bytes, rejection, startTestServer, text, type TestServer } from "../helpers/app.js";
import { getManyAs } from "../helpers/get-many-as.js";
import { healthClient } from "../helpers/health.js";
import { tokensJson, writeTokensFile, type TestToken } from "../helpers/tokens.js";

const READER: TestToken = { token: "reader-secret-1f3a", id: "reports", namespaces: ["billing"], permissions: ["read"] };
const WRITER: TestToken = {
  token: "writer-secret-9c2e",
  id: "billing-svc",
  namespaces: ["billing", "team-*"],
  permissions: ["read", "write", "invalidate"],
};
const ADMIN: TestToken = { token: "admin-secret-77d0", id: "ops", namespaces: ["*"], permissions: ["read", "write", "invalidate", "admin"] };
const VALUE = "value-that-must-not-be-logged";

describe("authentication and authorization", function () {
  let server: TestServer;
  let tokensFile: string;
  let logged = "";
  const as = (t: TestToken | undefined, ns: string): TaggedCacheClient =>
    server.client(ns, t === undefined ? {} : { token: t.token });

  before(async () => {
    tokensFile = writeTokensFile([READER, WRITER, ADMIN]);
    const sink = new Writable({ write: (chunk, _enc, cb) => ((logged += chunk), cb()) });
    server = await startTestServer({ TOKENS_FILE: tokensFile }, pino({ level: "trace" }, sink));
    await as(ADMIN, "billing").set("invoice:1", bytes(VALUE), { tags: ["customer:7"] });
  });
  after(() => server.stop());

  it("refuses calls without a token, or with an unknown one, as UNAUTHENTICATED", async () => {
    const none = await rejection(as(undefined, "billing").get("invoice:1"));
    expect(none.code).to.equal(status.UNAUTHENTICATED);
    expect(none.details).to.match(/Bearer <token>/);
    const wrong = await rejection(server.client("billing", { token: "not-a-known-token" }).get("invoice:1"));
    expect(wrong).to.include({ code: status.UNAUTHENTICATED, details: "unknown token" });
    const stream = await rejection(as(undefined, "billing").getMany(["invoice:1"]));
    expect(stream.code).to.equal(status.UNAUTHENTICATED);
  });

  it("lets a token read only in its namespaces, naming the missing permission", async () => {
    expect(text(await as(READER, "billing").get("invoice:1"))).to.equal(VALUE);
    const other = await rejection(as(READER, "payroll").get("invoice:1"));
    expect(other.code).to.equal(status.PERMISSION_DENIED);
    expect(other.details).to.equal('token "reports" lacks the "read" permission on namespace "payroll"');
    expect(other.details).not.to.include(VALUE);
    const dflt = await rejection(as(READER, "").get("invoice:1"));
    expect(dflt.details).to.include('namespace "default"');
  });

  it("maps each RPC to its permission: read, write (leases too), invalidate, admin", async () => {
    const reader = as(READER, "billing");
    for (const [call, permission] of [
      [() => reader.set("k", bytes("v")), "write"],
      [() => reader.delete("k"), "write"],
      [() => reader.invalidate("customer:7"), "invalidate"],
      [() => reader.invalidateAll(), "admin"],
    ] as const) {
      const err = await rejection(call());
      expect(err.code).to.equal(status.PERMISSION_DENIED);
      expect(err.details).to.include(`"${permission}"`);
    }
    const leased = await rejection(reader.read("fresh-key", { lease: { waitMs: 0 } }));
    expect(leased.code).to.equal(status.PERMISSION_DENIED);
    expect(leased.details).to.include('"write"');
    expect((await rejection(reader.release("k", new Uint8Array(8)))).details).to.include('"write"');
    const writer = as(WRITER, "billing");
    expect((await writer.read("fresh-key", { lease: { waitMs: 0 } })).leaseToken).to.not.equal(undefined);
    expect(await writer.set("k", bytes("v"))).to.equal(true);
    expect(await writer.delete("k")).to.equal(true);
    await writer.invalidate("nothing-carries-this");
    expect((await rejection(writer.invalidateAll())).details).to.include('"admin"');
    expect(text(await as(READER, "billing").get("invoice:1"))).to.equal(VALUE);
  });

  it("matches namespace prefixes ending in *", async () => {
    await as(WRITER, "team-a").set("k", bytes("a"));
    expect(text(await as(WRITER, "team-b.sub").get("k"))).to.equal(undefined);
    const outside = await rejection(as(WRITER, "teams").set("k", bytes("x")));
    expect(outside.code).to.equal(status.PERMISSION_DENIED);
    expect(text(await as(ADMIN, "team-a").get("k"))).to.equal("a");
  });

  it("checks the namespace of every GetMany message, answering the earlier ones", async () => {
    const reader = as(READER, "billing");
    const stream = reader.getManyStream([["invoice:1"], ["invoice:2"]]);
    const results = [];
    for await (const r of stream) results.push(r.map((e) => text(e?.value)));
    expect(results).to.deep.equal([[VALUE], [undefined]]);

    // One stream whose second message names a namespace the token may not read.
    const batches = ["billing", "payroll", "billing"].map((namespace) => ({ namespace, keys: ["invoice:1"] }));
    const { replies, error } = await getManyAs(server.address, READER.token, batches);
    expect(replies).to.have.length(1);
    expect(error?.code).to.equal(status.PERMISSION_DENIED);
    expect(error?.details).to.include('namespace "payroll"');
  });

  it("answers health checks without a token", async () => {
    const health = healthClient(server.address);
    expect(await health.check()).to.equal("SERVING");
    health.close();
  });

  it("does not start with a broken tokens file", async () => {
    const broken = writeTokensFile([]);
    writeFileSync(broken, "not json");
    const err = await startTestServer({ TOKENS_FILE: broken }).then(() => undefined, (e: Error) => e);
    expect(err).to.be.instanceOf(TokensFileError);
    expect(err?.message).to.match(/^tokens file: not valid JSON/);
  });

  it("keeps tokens and values out of the logs", async () => {
    await rejection(server.client("billing", { token: "not-a-known-token" }).get("invoice:1"));
    expect(logged).to.include("authentication on");
    for (const secret of [READER.token, WRITER.token, ADMIN.token, "not-a-known-token", VALUE]) {
      expect(logged).not.to.include(secret);
    }
  });

  it("reloads the tokens file, and keeps the old tokens when the new file is broken", async () => {
    const reader = as(READER, "billing");
    const newcomer: TestToken = { token: "new-secret-5b5b", id: "new", namespaces: ["billing"], permissions: ["read"] };
    writeFileSync(tokensFile, tokensJson([WRITER, ADMIN, newcomer]));
    expect(server.app.reloadTokens()).to.equal(true);
    expect(text(await as(newcomer, "billing").get("invoice:1"))).to.equal(VALUE);
    expect((await rejection(reader.get("invoice:1"))).code).to.equal(status.UNAUTHENTICATED);

    writeFileSync(tokensFile, '{"tokens": [{"id": "x"}');
    expect(server.app.reloadTokens()).to.equal(false);
    expect(logged).to.match(/tokens file not reloaded; keeping the previous tokens/);
    expect(text(await as(newcomer, "billing").get("invoice:1"))).to.equal(VALUE);
  });
});

// A GetMany stream whose messages name the given namespaces, one key each:
// the client package sends one namespace per stream, so this drives grpc-js.
describe("start-up log", () => {
  it("says authentication is off without a tokens file, and masks the Redis password", async () => {
    let logged = "";
    const sink = new Writable({ write: (chunk, _enc, cb) => ((logged += chunk), cb()) });
    const server = await startTestServer(
      { REDIS_URL: "redis://:hunter2@127.0.0.1:1", REDIS_CONNECT_TIMEOUT_MS: "100" },
      pino({ level: "info" }, sink),
    );
    await server.stop();
    expect(logged).to.include("authentication is off");
    expect(logged).to.include("redis://:***@127.0.0.1:1");
    expect(logged).not.to.include("hunter2");
  });
});

describe("tokens file format", () => {
  const entry = { id: "a", sha256: "0".repeat(64), namespaces: ["x"], permissions: ["read"] };
  const refuse = (doc: unknown) => expect(() => parseTokens(JSON.stringify(doc))).to.throw(TokensFileError);

  it("takes the hash the README's command makes", () => {
    const readmeCommand = `printf %s "$TOKEN" | sha256sum | cut -d' ' -f1`;
    const hash = execSync(readmeCommand, { env: { ...process.env, TOKEN: READER.token }, shell: "/bin/bash" });
    const [parsed] = parseTokens(tokensJson([READER]));
    expect(String(hash).trim()).to.equal(parsed!.sha256);
  });

  it("accepts well-formed entries and names the field of a bad one", () => {
    expect(parseTokens(JSON.stringify({ tokens: [entry] }))[0]!.permissions.has("read")).to.equal(true);
    expect(() => parseTokens(JSON.stringify({ tokens: [entry, { ...entry, id: "b", permissions: ["root"] }] }))).to.throw(
      "tokens[1].permissions[0]: must be one of read, write, invalidate, admin",
    );
    refuse({ tokens: [{ ...entry, sha256: "plain-token" }] });
    refuse({ tokens: [{ ...entry, namespaces: ["a*b"] }] });
    refuse({ tokens: [{ ...entry, token: "secret" }] });
    refuse({ tokens: [entry, { ...entry, id: "b" }] });
    refuse({ tokens: [entry, { ...entry, sha256: "1".repeat(64) }] });
    refuse([entry]);
  });
});
