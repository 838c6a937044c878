// The harness entry of tests/tls/known-answers.test.ts: both lists of
// known-answer tests, exported to be called in turn.
export { runKats } from "./kat";
export { runRfc8448 } from "./rfc8448";
