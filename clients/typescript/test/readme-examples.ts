import { readFileSync } from "node:fs";

/** One example of the package README: its code and what it prints. */
export interface Example {
  readonly title: string;
  readonly code: string;
  /** The language of its block: "ts" or "js". */
  readonly lang: string;
  /** The lines it must print, from its `// prints "a", then "b"` comments. */
  readonly prints: string[];
}

/**
 * The README's examples under the given headings: the first ```ts or ```js
 * block of each section, with the printed lines its comments announce.
 */
export function readmeExamples(readmePath: string, headings: readonly string[]): Example[] {
  const readme = readFileSync(readmePath, "utf8");
  return headings.map((title) => {
    const section = readme.split(`\n## ${title}\n`)[1];
    const match = section?.match(/```(ts|js)\n([\s\S]*?)```/);
    if (match === undefined || match === null) throw new Error(`README: no ts or js example under "## ${title}"`);
    const [, lang, code] = match as unknown as [string, string, string];
    const prints: string[] = [];
    for (const line of code.split("\n")) {
      const comment = line.match(/^\s*\/\/ prints (.*)$/)?.[1];
      if (comment !== undefined) for (const m of comment.matchAll(/"([^"]*)"/g)) prints.push(m[1]!);
    }
    return { title, code, lang, prints };
  });
}
