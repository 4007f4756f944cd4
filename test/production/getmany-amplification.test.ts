import { create, toBinary } from "@bufbuild/protobuf";
import { Client, credentials, Metadata, status } from "@grpc/grpc-js";
import { expect } from "chai";
import type { Redis } from "ioredis";
import { GetManyRequestSchema } from "../../server/src/gen/taggedcache/v1/tagged_cache_pb.js";
import { bytes, startTestServer, type TestServer } from "../helpers/app.js";
import { healthStatus, RawClient, SERVING } from "../helpers/raw-call.js";
import { RedisServer } from "../helpers/redis-server.js";
import { writeTokensFile, type TestToken } from "../helpers/tokens.js";

const MIB = 1024 * 1024;
const GET_MANY = "/taggedcache.v1.TaggedCache/GetMany";
const ATTACKER: TestToken = { token: "attacker-secret-5e1b", id: "reader", namespaces: ["attacker"], permissions: ["read"] };
const WRITER: TestToken = { token: "writer-secret-0a7c", id: "writer", namespaces: ["*"], permissions: ["read", "write"] };

/** A GetMany message naming `key` `copies` times: a few bytes per copy. */
function repeating(namespace: string, key: string, copies: number): Buffer {
  const items = Array.from({ length: copies }, () => ({ key, tags: [] }));
  return Buffer.from(toBinary(GetManyRequestSchema, create(GetManyRequestSchema, { namespace, items, batchId: 1n })));
}

/** Sends `bodies` on one GetMany stream as `token`'s caller; resolves with the final status. */
function attackStream(client: Client, token: string, bodies: readonly Buffer[]): Promise<status> {
  const id = (b: Buffer) => b;
  const md = new Metadata();
  md.set("authorization", `Bearer ${token}`);
  const call = client.makeBidiStreamRequest(GET_MANY, id, id, md, { deadline: Date.now() + 30_000 });
  return new Promise((resolve) => {
    call.on("data", () => {});
    call.on("error", () => {});
    call.on("status", (s) => resolve(s.code));
    for (const b of bodies) call.write(b);
    call.end();
  });
}

/** A field of INFO, as a number. */
async function info(redis: Redis, section: string, field: string): Promise<number> {
  const m = new RegExp(`^${field}:(\\d+)`, "m").exec(await redis.info(section));
  return m === null ? NaN : Number(m[1]);
}

// Issue 11, fault 1: one caller with read permission and one 1 MiB entry sent
// GetMany messages repeating its key; Redis built a reply of hundreds of MB in
// one script call, the server dropped its connection and every caller failed.
describe("A 146-byte GetMany message stalls Redis for everyone", function () {
  this.timeout(120_000);
  let redis: RedisServer;
  let server: TestServer;
  let inspect: Redis;

  before(async () => {
    redis = await RedisServer.start();
    server = await startTestServer({ REDIS_URL: redis.url, TOKENS_FILE: writeTokensFile([ATTACKER, WRITER]) });
    inspect = redis.connect();
  });
  after(async () => {
    inspect?.disconnect();
    await server?.stop();
    await redis?.stop();
  });

  it("serves a victim in another namespace without a failure while Redis's memory stays bounded", async () => {
    await server.client("attacker", { token: WRITER.token }).set("big", new Uint8Array(MIB).fill(7));
    const victim = server.client("victim", { token: WRITER.token });
    await victim.set("small", bytes("v"));
    expect(repeating("attacker", "big", 20).length).to.be.below(160);

    const raw = new RawClient(server.address);
    let attacking = true;
    const failures: string[] = [];
    let victimCalls = 0;
    const victimLoop = (async () => {
      while (attacking) {
        const t0 = Date.now();
        try {
          await victim.get("small", { timeoutMs: 5000 });
        } catch (err) {
          failures.push(String((err as Error).message));
        }
        victimCalls++;
        await new Promise((r) => setTimeout(r, Math.max(0, 20 - (Date.now() - t0))));
      }
    })();
    const health: number[] = [];
    const healthLoop = (async () => {
      while (attacking) {
        health.push(await healthStatus(raw, "taggedcache.v1.TaggedCache").catch(() => 0));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    // A caller with only "read" on its namespace; several streams in flight,
    // each with messages of 20 and 500 copies.
    const attacker = new Client(server.address, credentials.createInsecure());
    const attack = Array.from({ length: 3 }, () =>
      attackStream(attacker, ATTACKER.token, [20, 500, 20, 500, 20].map((n) => repeating("attacker", "big", n))),
    );
    const outcomes = await Promise.all(attack);
    // The victim goes on a while after: a dropped connection shows there too.
    const after = victimCalls + 25;
    while (victimCalls < after) await new Promise((r) => setTimeout(r, 20));
    attacking = false;
    await Promise.all([victimLoop, healthLoop]);
    raw.close();
    attacker.close();

    const peak = await info(inspect, "memory", "used_memory_peak");
    const outputBuffer = await info(inspect, "clients", "client_recent_max_output_buffer");
    console.log(
      `      victim: ${failures.length} of ${victimCalls} Gets failed; health not SERVING ${health.filter((h) => h !== SERVING).length} of ${health.length} checks; ` +
        `Redis used_memory_peak ${(peak / MIB).toFixed(1)} MiB, client_recent_max_output_buffer ${(outputBuffer / MIB).toFixed(1)} MiB; ` +
        `attack statuses ${outcomes.map((o) => status[o]).join(",")}`,
    );
    // Authorized (not PERMISSION_DENIED), then refused for the size of its
    // replies (on a loaded machine a stream may meet a slow Redis first).
    expect(outcomes.map((o) => status[o])).to.include("RESOURCE_EXHAUSTED");
    expect(outcomes.every((o) => o === status.RESOURCE_EXHAUSTED || o === status.UNAVAILABLE)).to.equal(true);
    expect(failures, failures.slice(0, 3).join("; ")).to.deep.equal([]);
    expect(victimCalls).to.be.above(0);
    expect(health.every((h) => h === SERVING), `health ${health.join(",")}`).to.equal(true);
    expect(peak).to.be.below(64 * MIB);
    expect(outputBuffer).to.be.below(64 * MIB);
  });
});
