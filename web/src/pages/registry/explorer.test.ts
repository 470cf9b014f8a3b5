import { describe, expect, it } from "vitest";
import { classify } from "./Explorer";

describe("the explorer's search", () => {
  it("knows transaction hashes and block numbers", () => {
    const hash = `0x${"Ab".repeat(32)}`;
    expect(classify(` ${hash} `)).toEqual({ kind: "tx", hash: hash.toLowerCase() });
    expect(classify("#1,234")).toEqual({ kind: "block", number: 1234 });
    expect(classify("42")).toEqual({ kind: "block", number: 42 });
    expect(classify("0x12")).toBeNull();
    expect(classify("steel")).toBeNull();
    expect(classify("")).toBeNull();
  });
});
