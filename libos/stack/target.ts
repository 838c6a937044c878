// Where a target other than hvt builds the stack. The node target (libos/
// hostnet) registers a maker when the build adds it to the image; then
// Stack.fromBootArguments() asks it for the stack instead of opening a net
// device, so an app's main is the same on every target. Nothing registers
// on hvt, and an hvt image carries none of the host-socket code.
import { Limits } from "../net/config";
import { Stack } from "./index";

export abstract class StackMaker {
  /** The stack, from boot arguments already parsed; `dhcp` is --dhcp. */
  abstract make(dhcp: bool, limits: Limits): Stack;
}

let maker: StackMaker | null = null;

export function registerStackMaker(m: StackMaker): void {
  maker = m;
}

export function stackMaker(): StackMaker | null {
  return maker;
}
