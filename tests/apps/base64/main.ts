// base64: an app that imports an AssemblyScript library published on npm
// (as-base64, a devDependency of this repository), as
// docs/assemblyscript.md "Libraries from npm" describes. It prints its
// command line in base64 and decoded back, then exits.
import { decode, encode } from "as-base64/assembly"; // its AssemblyScript: assembly/index.ts
import { EXIT_SUCCESS, commandLine, exit, println } from "morgana/platform";

const text = commandLine();
const encoded = encode(Uint8Array.wrap(String.UTF8.encode(text)));
const decoded = decode(encoded);
println("base64: " + encoded);
println("decoded: " + String.UTF8.decodeUnsafe(decoded.dataStart, decoded.length));
exit(EXIT_SUCCESS);
