package io.consulwatchdog.coordinate;

import io.consulwatchdog.consul.ConsulHttp;
import io.consulwatchdog.consul.EndpointResult;
import java.net.URI;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The addresses of a coordination store, tried in order: the first that answers without a server error
 * serves the request, and is tried first next time.
 */
final class StoreEndpoints {
  private final List<URI> addresses;
  private final ConsulHttp http;
  private volatile int preferred;

  StoreEndpoints(List<URI> addresses, ConsulHttp http) {
    this.addresses = List.copyOf(addresses);
    this.http = http;
  }

  /** The HTTP client. */
  ConsulHttp http() {
    return http;
  }

  /** Sends the request to each address in turn until one answers below 500; the answer, or why none did. */
  EndpointResult.Answer send(BiFunction<ConsulHttp, URI, EndpointResult> request) throws StoreException {
    String last = "no address";
    for (int n = 0; n < addresses.size(); n++) {
      int i = (preferred + n) % addresses.size();
      URI address = addresses.get(i);
      EndpointResult result = request.apply(http, address);
      if (result instanceof EndpointResult.Answer a && a.status() < 500) {
        preferred = i;
        return a;
      }
      last = address + ": " + (result instanceof EndpointResult.Answer a ? "HTTP " + a.status() + " "
          + a.body().strip() : ((EndpointResult.Failure) result).message());
    }
    throw new StoreException(last);
  }

  /** Like send, but an answer other than 200 is a StoreException naming the what. */
  String ok(String what, BiFunction<ConsulHttp, URI, EndpointResult> request) throws StoreException {
    EndpointResult.Answer a = send(request);
    if (a.status() != 200) {
      throw new StoreException(what + ": HTTP " + a.status() + " " + a.body().strip());
    }
    return a.body();
  }

  void close() {
    http.close();
  }
}
