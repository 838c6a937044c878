/** wrk's summary as numbers: requests, requests per second, socket errors
 * of every kind, non-2xx/3xx answers. */
export function parseWrk(out: string) {
  const num = (re: RegExp) => Number(out.match(re)?.[1] ?? 0);
  const errs = out.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  return {
    requests: num(/(\d+) requests in/),
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    socketErrors: errs ? errs.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
    non2xx: num(/Non-2xx or 3xx responses: (\d+)/),
  };
}
