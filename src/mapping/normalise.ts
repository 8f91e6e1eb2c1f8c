/**
 * Ocean's single-quote normalisation (§3.3 rule 1), applied to every JQ program before it is compiled.
 *
 * A `'` becomes `"` when (a) it starts the program or follows whitespace and the next character is neither
 * whitespace nor `"`, or (b) it ends the program or precedes whitespace and the previous character is neither
 * whitespace nor `"`. A missing neighbour satisfies the "neither" test, exactly like the regex lookarounds Ocean
 * uses, so a lone `'` is rewritten too.
 *
 * @example normaliseQuotes(".org + '/' + .repo") // '.org + "/" + .repo'
 */
export function normaliseQuotes(program: string): string {
  return program.replace(SINGLE_QUOTE_AT_BOUNDARY, '"');
}

const SINGLE_QUOTE_AT_BOUNDARY = /(?<!\S)'(?![\s"])|(?<![\s"])'(?!\S)/g;

/**
 * The value of a program that is a plain JQ string literal (`"service"`), or undefined when the program is
 * dynamic. Used to know a mapping's blueprint without running it (misconfiguration severity, §3.6).
 */
export function stringLiteralValue(program: string): string | undefined {
  const text = normaliseQuotes(program).trim();
  // Interpolation `\(` makes it dynamic; anything else inside is plain JSON-compatible escaping.
  if (!/^"(?:[^"\\]|\\.)*"$/s.test(text) || text.includes('\\(')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
