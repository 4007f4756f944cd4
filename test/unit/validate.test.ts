import { expect } from "chai";
import { InvalidArgumentError } from "../../server/src/core/errors.js";
import type { Limits } from "../../server/src/core/limits.js";
import { checkLifetime, checkNamespace, checkTags } from "../../server/src/core/validate.js";

const limits: Limits = {
  maxNamespaceBytes: 4, maxKeyBytes: 4, maxTagBytes: 4, maxTags: 4,
  maxInvalidateTags: 8, maxValueBytes: 4, maxBatchKeys: 4, maxLifetimeMs: 1000,
};

describe("validation", () => {
  it("sorts tags and drops duplicates", () => {
    expect(checkTags(limits, ["b", "a", "b", "a"])).to.deep.equal(["a", "b"]);
    expect(checkTags(limits, ["z"])).to.deep.equal(["z"]);
    expect(checkTags(limits, [])).to.deep.equal([]);
  });

  it("counts UTF-8 bytes, not characters", () => {
    expect(() => checkTags(limits, ["ééé"])).to.throw(InvalidArgumentError, "tags[0]: must be at most 4 bytes (got 6)");
    expect(checkTags(limits, ["éé"])).to.deep.equal(["éé"]);
  });

  it("maps the empty namespace to default", () => {
    expect(checkNamespace(limits, "")).to.equal("default");
    expect(checkNamespace(limits, "ns")).to.equal("ns");
  });

  it("turns an absent lifetime into the default and keeps 0 as no expiry", () => {
    expect(checkLifetime(limits, undefined, 500)).to.equal(500);
    expect(checkLifetime(limits, 0n, 500)).to.equal(0);
    expect(() => checkLifetime(limits, 2n ** 63n - 1n, 500)).to.throw(InvalidArgumentError, "lifetime_ms: must be at most 1000 ms");
  });
});
