import { readFileSync } from "node:fs";

/** One example of the package README: its code and what it prints. */
export interface Example {
  readonly title: string;
  readonly code: string;
  /** The lines it must print, from its `// prints "a", then "b"` comments. */
  readonly prints: string[];
}

/**
 * The README's examples under the given headings: the first ```ts block of
 * each section, with the printed lines its comments announce.
 */
export function readmeExamples(readmePath: string, headings: readonly string[]): Example[] {
  const readme = readFileSync(readmePath, "utf8");
  return headings.map((title) => {
    const section = readme.split(`\n## ${title}\n`)[1];
    const code = section?.match(/```ts\n([\s\S]*?)```/)?.[1];
    if (code === undefined) throw new Error(`README: no ts example under "## ${title}"`);
    const prints: string[] = [];
    for (const line of code.split("\n")) {
      const comment = line.match(/^\s*\/\/ prints (.*)$/)?.[1];
      if (comment !== undefined) for (const m of comment.matchAll(/"([^"]*)"/g)) prints.push(m[1]!);
    }
    return { title, code, prints };
  });
}
