// Boot arguments: the image's command line, as `--name=value` words.
//
// An argument is declared (name, default, help, validator) by what uses
// it, when it is made: the app's main for its own, the stack when the app
// builds one, TCP when the app first uses it, the resolver when the app
// makes one. Nothing is declared by importing a module, so an image's
// `--help` lists exactly the arguments it reads. `parseArguments()` reads
// the command line once; an argument declared later takes its value then.
// `checkArguments()`, which `run()` calls before the first wait, stops the
// image with status 1 and the list of known arguments for one that nothing
// declared, and prints that list and exits 0 for `--help`. A bad value
// stops the image with a message naming the argument. `--name` alone means
// `--name=true`.
import { cmdline } from "./abi";
import { fail, exit, EXIT_SUCCESS } from "./exit";
import { println } from "./console";

/** Decides whether a value is acceptable. */
export abstract class Validator {
  /** null if `value` is acceptable, else what was expected ("a number"). */
  abstract check(value: string): string | null;
  /** Shown in the list of known arguments, e.g. "debug|info". */
  abstract describe(): string;
}

/** Any text. */
export class AnyText extends Validator {
  check(value: string): string | null { return null; }
  describe(): string { return "TEXT"; }
}

/** One of a fixed list of words; `Argument.choice` is the index. */
export class OneOf extends Validator {
  constructor(readonly choices: string[]) { super(); }
  check(value: string): string | null {
    return this.choices.includes(value) ? null : "one of " + this.choices.join(", ");
  }
  describe(): string { return this.choices.join("|"); }
}

/** A decimal integer in [min, max]. */
export class IntRange extends Validator {
  constructor(readonly min: i64, readonly max: i64) { super(); }
  check(value: string): string | null {
    const expected = "an integer from " + this.min.toString() + " to " + this.max.toString();
    if (!isDecimal(value)) return expected;
    const n = I64.parseInt(value, 10);
    return n >= this.min && n <= this.max ? null : expected;
  }
  describe(): string { return this.min.toString() + ".." + this.max.toString(); }
}

/** true or false. */
export class Flag extends Validator {
  check(value: string): string | null {
    return value == "true" || value == "false" ? null : "true or false";
  }
  describe(): string { return "true|false"; }
}

export class Argument {
  /** The value in force: the default until parseArguments() sees one. */
  value: string;
  /** Whether the command line set it. */
  given: bool = false;

  constructor(
    readonly name: string,
    readonly defaultValue: string,
    readonly help: string,
    readonly validator: Validator,
  ) {
    this.value = defaultValue;
  }

  /** The value as an integer (for IntRange arguments). */
  get int(): i64 { return I64.parseInt(this.value, 10); }
  /** The value as a boolean (for Flag arguments). */
  get flag(): bool { return this.value == "true"; }
  /** Index of the value among the choices (for OneOf arguments), else -1. */
  get choice(): i32 {
    const v = this.validator;
    return v instanceof OneOf ? (v as OneOf).choices.indexOf(this.value) : -1;
  }
}

const registry: Argument[] = [];
/** The command line's words as name and value, once parsed. */
const givenNames: string[] = [];
const givenValues: string[] = [];
let parsed = false;

/** Declare an argument; declaring one already declared (a second stack,
 * a second resolver) returns the first. A default that its own validator
 * refuses is a programming error and stops the image. */
export function declareArgument(
  name: string,
  defaultValue: string,
  help: string,
  validator: Validator = new AnyText(),
): Argument {
  const known = findArgument(name);
  if (known !== null) return known;
  if (validator.check(defaultValue) !== null) {
    fail("argument --" + name + " has a default its validator refuses: " + defaultValue);
  }
  const arg = new Argument(name, defaultValue, help, validator);
  registry.push(arg);
  if (parsed) apply(arg);
  return arg;
}

/** Give `arg` the command line's value for it, if there is one. */
function apply(arg: Argument): void {
  const i = givenNames.lastIndexOf(arg.name);
  if (i < 0) return;
  const value = givenValues[i];
  const why = arg.validator.check(value);
  if (why !== null) {
    fail("bad value for boot argument --" + arg.name + ": '" + value + "' (expected " + why + ")");
  }
  arg.value = value;
  arg.given = true;
}

export function findArgument(name: string): Argument | null {
  for (let i = 0; i < registry.length; i++) {
    if (registry[i].name == name) return registry[i];
  }
  return null;
}

/** Read the command line and set every argument declared so far (those
 * declared later take their values when declared). Once is enough; again
 * does nothing. */
export function parseArguments(): void {
  if (parsed) return;
  parseWords(commandLine());
}

/** The parsing itself, apart from the import so that it can be tested. */
export function parseWords(line: string): void {
  givenNames.length = 0;
  givenValues.length = 0;
  const words = line.split(" ");
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word.length == 0) continue; // runs of spaces
    if (!word.startsWith("--") || word.length == 2) {
      fail("boot argument '" + word + "' is not of the form --name=value\n" + usage());
    }
    const eq = word.indexOf("=");
    givenNames.push(eq < 0 ? word.substring(2) : word.substring(2, eq));
    givenValues.push(eq < 0 ? "true" : word.substring(eq + 1));
  }
  parsed = true;
  for (let i = 0; i < registry.length; i++) apply(registry[i]);
}

/** Stop the image if the command line names an argument nothing declared;
 * print the known ones and exit 0 for --help. run() calls it. */
export function checkArguments(): void {
  if (!parsed) parseArguments();
  for (let i = 0; i < givenNames.length; i++) {
    const name = givenNames[i];
    if (name == "help") {
      println(usage());
      exit(EXIT_SUCCESS);
    }
    if (findArgument(name) === null) fail("unknown boot argument --" + name + "\n" + usage());
  }
}

/** The known arguments, one a line, with their defaults and help. */
export function usage(): string {
  let text = "known boot arguments (--help lists them):";
  for (let i = 0; i < registry.length; i++) {
    const a = registry[i];
    text += "\n  --" + a.name + "=" + a.validator.describe() +
      "  " + a.help + (a.defaultValue.length > 0 ? " (default: " + a.defaultValue + ")" : "");
  }
  return text;
}

/** The whole command line, as the tender passed it. */
export function commandLine(): string {
  // The tender passes at most 8192 bytes; ask for the length first.
  const len = cmdline(0, 0);
  if (len <= 0) return "";
  const buf = new ArrayBuffer(len);
  cmdline(changetype<usize>(buf), len);
  // Tabs and newlines separate words too.
  return String.UTF8.decode(buf).replaceAll("\t", " ").replaceAll("\n", " ");
}

function isDecimal(s: string): bool {
  const start = s.startsWith("-") ? 1 : 0;
  // At most 18 digits: every such number fits an i64, so none wraps.
  if (s.length == start || s.length - start > 18) return false;
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
