/**
 * The README's CLI examples are real: every ```console block whose first line is
 * `$ fedcalc <args>` is run as `node dist/cli.js <args>` from the repository's root, and its
 * standard output must equal the lines that follow. A block may end with
 *
 *     $ echo $?
 *     1
 *
 * and then the exit code must be that number. A line holding only `…` stands for one or more
 * lines left out: the output must start with what is above it and end with what is below it.
 * Standard error is not part of a block.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const cli = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));
const readme = readFileSync(fileURLToPath(new URL("../../README.md", import.meta.url)), "utf8");

const PROMPT = "$ fedcalc ";
const ELLIPSIS = "…";

/** One documented run: where it is, its arguments, the pasted output and the stated exit code. */
interface Example {
  readonly line: number;
  readonly command: string;
  readonly args: string[];
  /** Output lines, each standing for a line that ends with a newline; `…` stands for lines left out. */
  readonly output: string[];
  readonly exitCode: number | undefined;
}

/**
 * Splits a command line as a POSIX shell would, for the parts examples need: words separated by
 * blanks, '…' taken literally, "…" with backslash escaping only \ " $ and `, and a backslash
 * outside quotes escaping the next character. Anything that would need a real shell (pipes,
 * redirections, variables, comments, …) is refused, so no example can silently mean something else.
 */
function splitArgs(line: string): string[] {
  const args: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === " " || c === "\t") {
      if (word !== undefined) args.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) throw new Error(`unterminated ' in: ${line}`);
      word = (word ?? "") + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      word ??= "";
      for (i++; ; i++) {
        if (i >= line.length) throw new Error(`unterminated " in: ${line}`);
        const d = line[i]!;
        if (d === '"') break;
        if (d === "$" || d === "`") throw new Error(`${d} inside "…" needs a shell: ${line}`);
        if (d === "\\" && i + 1 < line.length && '\\"$`'.includes(line[i + 1]!)) word += line[++i];
        else word += d;
      }
    } else if (c === "\\") {
      if (i + 1 >= line.length) throw new Error(`trailing backslash in: ${line}`);
      word = (word ?? "") + line[++i];
    } else if ("|&;<>()$`*?[#~{}".includes(c) && !(c === "#" && word !== undefined)) {
      throw new Error(`${c} needs a shell; quote it: ${line}`);
    } else {
      word = (word ?? "") + c;
    }
  }
  if (word !== undefined) args.push(word);
  return args;
}

/** Every ```console block of the README that starts with `$ fedcalc `. */
function examples(markdown: string): Example[] {
  const lines = markdown.split("\n");
  const found: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```console\s*$/.test(lines[i]!)) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    if (i >= lines.length) throw new Error(`README.md:${start + 1}: console block is not closed`);
    const [first, ...rest] = body;
    if (first === undefined || !first.startsWith(PROMPT)) continue;
    let exitCode: number | undefined;
    const status = rest.at(-1);
    if (rest.at(-2) === "$ echo $?" && status !== undefined && /^\d+$/.test(status)) {
      exitCode = Number(status);
      rest.splice(-2);
    }
    const command = first.slice(2);
    found.push({ line: start + 2, command, args: splitArgs(first.slice(PROMPT.length)), output: rest, exitCode });
  }
  return found;
}

/** The lines as the program prints them: each ends with a newline. */
function text(lines: readonly string[]): string {
  return lines.map((l) => `${l}\n`).join("");
}

/** Whether `actual` is what the pasted lines say, a `…` line standing for one or more lines. */
function matches(actual: string, expected: readonly string[]): boolean {
  const cut = expected.indexOf(ELLIPSIS);
  if (cut === -1) return actual === text(expected);
  const prefix = text(expected.slice(0, cut));
  const suffix = text(expected.slice(cut + 1));
  if (!actual.startsWith(prefix) || !actual.endsWith(suffix)) return false;
  const omitted = actual.slice(prefix.length, actual.length - suffix.length);
  return omitted.length > 0 && omitted.endsWith("\n");
}

const documented = examples(readme);

describe("README.md command-line examples", () => {
  it("finds the examples and the built CLI", () => {
    expect(existsSync(cli), "dist/cli.js is missing: run `npm run build` first").toBe(true);
    expect(documented.length).toBeGreaterThan(0);
  });

  it("has a run of every command", () => {
    if (!existsSync(cli)) throw new Error("dist/cli.js is missing: run `npm run build` first");
    const help = spawnSync(process.execPath, [cli, "--help"], { cwd: root, encoding: "utf8" }).stdout;
    const section = help.split("Commands:\n")[1]?.split("\n\n")[0] ?? "";
    const commands = section.split("\n").map((l) => l.trim().split(" ")[0]!);
    expect(commands.length).toBeGreaterThanOrEqual(10);
    const shown = new Set(documented.map((e) => e.args[0]));
    expect(commands.filter((c) => !shown.has(c))).toEqual([]);
  }, 30_000);

  it("uses at most one … per block", () => {
    for (const e of documented) {
      expect(e.output.filter((l) => l === ELLIPSIS).length, `README.md:${e.line}`).toBeLessThanOrEqual(1);
    }
  });

  it.each(documented.map((e) => [`README.md:${e.line}: ${e.command}`, e] as const))(
    "%s",
    (_name, example) => {
      if (!existsSync(cli)) throw new Error("dist/cli.js is missing: run `npm run build` first");
      const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
      delete env.FORCE_COLOR;
      const run = spawnSync(process.execPath, [cli, ...example.args], { cwd: root, env, encoding: "utf8" });
      expect(run.error).toBeUndefined();
      if (example.output.includes(ELLIPSIS)) {
        // Show the whole output on failure: the pasted part must be its start and its end.
        expect(matches(run.stdout, example.output), `stdout was:\n${run.stdout}`).toBe(true);
      } else {
        expect(run.stdout).toBe(text(example.output));
      }
      if (example.exitCode !== undefined) expect(run.status, `stderr was:\n${run.stderr}`).toBe(example.exitCode);
    },
    30_000,
  );
});

describe("the README test's own parsing", () => {
  it("splits arguments as a shell does", () => {
    expect(splitArgs(`eval "app == 'cart'" --data examples/federation`)).toEqual([
      "eval",
      "app == 'cart'",
      "--data",
      "examples/federation",
    ]);
    expect(splitArgs(`explain 'a == "b"' x\\ y "q\\"uote\\\\" 'it'\\''s'`)).toEqual([
      "explain",
      'a == "b"',
      "x y",
      'q"uote\\',
      "it's",
    ]);
    expect(splitArgs(`a'b'"c" ''`)).toEqual(["abc", ""]);
    expect(() => splitArgs("eval 'open")).toThrow(/unterminated/);
    expect(() => splitArgs("status | head")).toThrow(/needs a shell/);
  });

  it("matches a … line against one or more lines", () => {
    expect(matches("a\nb\nc\n", ["a", ELLIPSIS, "c"])).toBe(true);
    expect(matches("a\nb\nx\nc\n", ["a", ELLIPSIS, "c"])).toBe(true);
    expect(matches("a\nc\n", ["a", ELLIPSIS, "c"])).toBe(false);
    expect(matches("a\nb\nd\n", ["a", ELLIPSIS, "c"])).toBe(false);
    expect(matches("ab\nc\n", ["a", ELLIPSIS, "c"])).toBe(false);
    expect(matches("a\nb\n", ["a", "b"])).toBe(true);
    expect(matches("a\nb\n\n", ["a", "b"])).toBe(false);
    expect(matches("", [])).toBe(true);
  });
});
