// apps/website/paths.ts under Node (harnessed): request targets to asset
// names and directory redirects, with the targets a hostile client sends
// (issue 12 items 9 and 10).
import { beforeAll, describe, expect, test } from "vitest";
import { Harness } from "../harness/index.ts";

let h: Harness;
beforeAll(async () => {
  h = await Harness.start("tests/website/as/paths.ts");
});

/** "name|dir|location", or "400". */
function resolve(target: string): string {
  h.input(Buffer.from(target, "latin1"));
  return h.string(h.call("resolve"))!;
}

describe("directory redirects (open redirect)", () => {
  test("Location comes from the normalised path: no spelling leaves the site", () => {
    expect(resolve("//evil.example/..%2fabout")).toBe("about|file|/about/");
    expect(resolve("//evil.example/..%2fabout?x=1")).toBe("about|file|/about/?x=1");
    expect(resolve("/%2f%2fevil.example/../about")).toBe("about|file|/about/");
    expect(resolve("http://a//evil.example/..%2fabout")).toBe("about|file|/about/");
  });

  test("the query is kept, the fragment is not; names are percent-encoded again", () => {
    expect(resolve("/about?x=1&y=%20")).toBe("about|file|/about/?x=1&y=%20");
    expect(resolve("/about#top")).toBe("about|file|/about/");
    expect(resolve("/a%20b/c%c3%a9")).toBe("a b/cé|file|/a%20b/c%C3%A9/");
    expect(resolve("/about")).toBe("about|file|/about/");
  });
});

describe("invalid UTF-8 in paths (RFC 3629)", () => {
  test.each([
    ["%c0%ae (an overlong '.')", "/%c0%ae%c0%ae/site-index"],
    ["%c0%af (an overlong '/')", "/about%c0%afindex.html"],
    ["%e0%80%af (a three-byte overlong '/')", "/about%e0%80%afx"],
    ["%f0%80%80%af (a four-byte overlong '/')", "/about%f0%80%80%afx"],
    ["a trailing lone %80", "/hello.txt%80"],
    ["a lone continuation byte", "/a%bfb"],
    ["a sequence cut short", "/a%e2%82"],
    ["a surrogate (%ed%a0%80)", "/a%ed%a0%80"],
    ["past U+10FFFF (%f4%90%80%80)", "/a%f4%90%80%80"],
    ["%f5 and above", "/a%f5%80%80%80"],
    ["%fe", "/a%fe"],
  ])("%s is 400", (_name, target) => {
    expect(resolve(target)).toBe("400");
  });

  test("well-formed UTF-8 of every length passes", () => {
    expect(resolve("/%c3%a9%e2%82%ac%f0%9f%98%80%ef%bf%bd%f4%8f%bf%bf")).toBe("é€😀\uFFFD\u{10FFFF}|file|/%C3%A9%E2%82%AC%F0%9F%98%80%EF%BF%BD%F4%8F%BF%BF/");
  });
});
