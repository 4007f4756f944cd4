import { ServerInterceptingCall, type ServerInterceptor } from "@grpc/grpc-js";
import { isRefusal, type Authorizer } from "./authorizer.js";

const REFLECTION = "/grpc.reflection.";

/**
 * A server interceptor that refuses reflection calls (v1 and v1alpha) with
 * UNAUTHENTICATED unless they present a known token, while authentication is
 * on. Any known token will do: reflection shows the API, never data. It sits
 * around the reflection service rather than inside it, so the service stays
 * the library's. Other calls pass through untouched; `required` false lets
 * everything through (REFLECTION_REQUIRES_TOKEN=0).
 */
export function reflectionGate(auth: Authorizer, required: boolean): ServerInterceptor {
  return (descriptor, call) => {
    if (!required || !auth.enabled || !descriptor.path.startsWith(REFLECTION)) return call as ServerInterceptingCall;
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, pass) => {
            const caller = auth.identify(metadata);
            if (isRefusal(caller)) call.sendStatus(caller);
            else pass(metadata);
          },
        }),
    });
  };
}
