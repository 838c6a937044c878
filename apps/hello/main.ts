// hello: the smallest Morgana unikernel. It greets, shows the command line
// it was booted with and the wall-clock time, and exits with status 0.
//
//   npm run build -- --target hvt --app hello
//   dist/morgana-hvt -- dist/hello.hvt alpha beta
import { println, commandLine, isoTime, wallNow, exit, EXIT_SUCCESS } from "../../libos/platform";

println("Hello from Morgana!");
println("command line: " + commandLine());
println("wall clock: " + isoTime(wallNow()));
exit(EXIT_SUCCESS);
