import { Client, type ClientDuplexStream } from "@grpc/grpc-js";
import { callMetadata, deadlineOf, type CallOptions } from "./call-options.js";
import { CancelledError, TaggedCacheError } from "./errors.js";
import type { Method } from "./methods.js";
import { channelCredentials, channelOptions, type ClientOptions } from "./options.js";
import { retryPolicy, withRetry, type RetryPolicy } from "./retry.js";

/** Calls a signal's abort once, and lets the caller stop listening. */
function onAbort(signal: AbortSignal | undefined, abort: () => void): () => void {
  if (signal === undefined) return () => {};
  signal.addEventListener("abort", abort, { once: true });
  return () => signal.removeEventListener("abort", abort);
}

/** The failure of a call the signal cancelled, else the call's own. */
function failure(err: unknown, signal: AbortSignal | undefined): TaggedCacheError {
  if (signal?.aborted) return new CancelledError("cancelled by its AbortSignal", { cause: signal.reason });
  return TaggedCacheError.from(err);
}

/**
 * One grpc-js channel and what every call on it shares: token, default
 * deadline, retries, the off switch. Namespace views of a client share it.
 */
export class Channel {
  readonly disabled: boolean;
  private readonly client: Client;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly token: string | undefined;

  constructor(address: string, options: ClientOptions, disabled: boolean, timeoutMs: number) {
    this.disabled = disabled;
    this.timeoutMs = timeoutMs;
    this.retry = retryPolicy(options.retry);
    this.token = options.token;
    this.client = new Client(address, channelCredentials(options), channelOptions(options));
  }

  /**
   * One unary call, retried on UNAVAILABLE within its deadline. The signal
   * cancels the gRPC call in flight (RST_STREAM reaches the server) and any
   * wait between attempts.
   */
  unary<T>(method: Method, req: unknown, o: CallOptions = {}): Promise<T> {
    if (this.disabled) return Promise.resolve(method.empty() as T);
    const { signal } = o;
    if (signal?.aborted) return Promise.reject(failure(undefined, signal));
    const deadline = deadlineOf(o, this.timeoutMs);
    const metadata = callMetadata(this.token, o.metadata);
    const options = Number.isFinite(deadline) ? { deadline } : {};
    const attempt = () =>
      new Promise<T>((resolve, reject) => {
        const call = this.client.makeUnaryRequest(method.path, method.serialize, method.deserialize, req, metadata, options,
          (err, res) => {
            stop();
            if (err) reject(failure(err, signal));
            else resolve(res as T);
          });
        const stop = onAbort(signal, () => call.cancel());
      });
    return withRetry(this.retry, deadline, attempt, signal).catch((err: unknown) => {
      throw failure(err, signal);
    });
  }

  /** Opens a bidirectional stream under the call's deadline (the client's by default) and signal. */
  bidi<Req, Res>(method: Method, o: CallOptions = {}): ClientDuplexStream<Req, Res> {
    const deadline = deadlineOf(o, this.timeoutMs);
    const call = this.client.makeBidiStreamRequest(
      method.path, method.serialize, method.deserialize, callMetadata(this.token, o.metadata),
      Number.isFinite(deadline) ? { deadline } : {},
    ) as ClientDuplexStream<Req, Res>;
    const stop = onAbort(o.signal, () => call.cancel());
    call.once("status", stop);
    if (o.signal?.aborted) call.cancel();
    return call;
  }

  /** The error a stream failed with, as the client reports it. */
  streamFailure(err: unknown, o: CallOptions): TaggedCacheError {
    return failure(err, o.signal);
  }

  /** Closes the channel: every view of the client stops working. */
  close(): void {
    this.client.close();
  }
}
