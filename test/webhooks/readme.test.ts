/**
 * The verifier the tests use is the README's code block, word for word (less
 * TypeScript annotations): so "a receiver written only from the README
 * verifies real deliveries" stays true when either changes.
 */
import { describe, expect, it } from "vitest";
import readme from "../../README.md?raw";
import verifierSource from "./readme-verifier.ts?raw";

const codeOf = (src: string) =>
  src
    .split("\n")
    .filter((l) => !l.trim().startsWith("//") && !l.trim().startsWith("*") && !l.trim().startsWith("/**"))
    .join("\n")
    .replace(/^export /m, "")
    .replace(/: string/g, "")
    .replace(/: Headers/g, "")
    .replace(/: Promise<boolean>/g, "")
    .replace(/\s+/g, " ")
    .trim();

describe("README verification example", () => {
  it("is the code the delivery tests verify with", () => {
    const section = readme.slice(readme.indexOf("## Verifying webhook deliveries"));
    const block = section.slice(section.indexOf("```js") + 5, section.indexOf("```", section.indexOf("```js") + 5));
    const fn = block.slice(block.indexOf("async function"), block.indexOf("\n}\n") + 2);
    expect(fn.length).toBeGreaterThan(200);
    expect(codeOf(verifierSource)).toBe(codeOf(fn));
  });
});
