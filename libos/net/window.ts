// Windows over buffers live in libos/platform/window.ts (the one checked
// helper every layer uses); re-exported here for the network layers.
export { moveWindow, newWindow, offsetIn } from "../platform/window";
