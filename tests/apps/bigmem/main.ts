// A Wasm memory of 64 initial pages (app.json), the last of which it
// touches: it boots only where the guest holds the image and 4 MiB more.
import { println, exit, EXIT_SUCCESS } from "../../../libos/platform";

const last = memory.size() * 65536 - 1;
store<u8>(last, 42);
println("bigmem: " + memory.size().toString() + " pages, last byte " + load<u8>(last).toString());
exit(EXIT_SUCCESS);
