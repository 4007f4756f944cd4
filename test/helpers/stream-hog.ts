// Run as its own process (a hostile client is never in the server's
// process): opens COUNT GetMany streams over one connection to ADDRESS that
// never send a request, each with DEADLINE_MS, and prints how each ended as
// one JSON line ({ "DEADLINE_EXCEEDED": n, ... }).
import { status } from "@grpc/grpc-js";
import { TaggedCacheClient } from "../../clients/typescript/src/index.js";

const [address, count, deadlineMs] = process.argv.slice(2) as [string, string, string];
const client = new TaggedCacheClient(address, { namespace: "p", channelOptions: { "grpc.use_local_subchannel_pool": 1 } });
const never = (async function* () {
  await new Promise(() => {});
})();
const outcomes = await Promise.all(
  Array.from({ length: Number(count) }, () =>
    client
      .getManyStream(never, { deadlineMs: Number(deadlineMs) })
      .next()
      .then(
        () => "answered",
        (e: { code: number }) => status[e.code] ?? String(e),
      ),
  ),
);
const tally: Record<string, number> = {};
for (const o of outcomes) tally[o] = (tally[o] ?? 0) + 1;
console.log(JSON.stringify(tally));
client.close();
process.exit(0);
