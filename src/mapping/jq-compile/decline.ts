/**
 * Thrown while parsing or compiling when a program uses something outside the subset Tide compiles. The message
 * names the construct, for `tide map --engines --explain`; the program then runs on jq-wasm exactly as before.
 */
export class Decline extends Error {
  constructor(readonly construct: string) {
    super(construct);
  }
}
