import { ListenError } from "../core/errors.js";

/**
 * The one-line start-up error for an address grpc-js could not bind: it
 * names the address and the flag to change it instead of printing grpc-js's
 * stack ("No address added out of total 1 resolved").
 */
export function listenError(host: string, port: number, err: Error): ListenError {
  const address = `${host}:${port}`;
  if (/EADDRINUSE/.test(err.message)) {
    return new ListenError(`cannot listen on ${address}: the address is already in use; choose another port with --port (PORT)`);
  }
  if (/EACCES/.test(err.message)) {
    return new ListenError(`cannot listen on ${address}: permission denied; choose a port above 1023 with --port (PORT)`);
  }
  const reason = /errors: \[(.*)\]/s.exec(err.message)?.[1] ?? err.message;
  return new ListenError(`cannot listen on ${address}: ${reason}; check --host (HOST) and --port (PORT)`);
}
