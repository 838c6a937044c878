// Network namespaces for tests that send traffic: the code is morgana/testing's
// (toolchain/testing/netns.ts), which users' projects get too.
export * from "../../toolchain/testing/netns.ts";
