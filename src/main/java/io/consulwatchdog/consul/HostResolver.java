package io.consulwatchdog.consul;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns the host of a configured http_address into IP addresses: the same answer is used to connect and to
 * match raft voters (which Consul names by IP) to configured servers, so a host name is never compared as
 * a string with an IP address.
 */
@FunctionalInterface
public interface HostResolver {

  /** The addresses of a host name or IP literal; throws when it does not resolve. */
  List<InetAddress> resolve(String host) throws UnknownHostException;

  /** The system's resolver (/etc/hosts, DNS). */
  static HostResolver system() {
    return host -> List.of(InetAddress.getAllByName(host));
  }

  /** A fixed table of names (tests, labs without /etc/hosts); IP literals resolve to themselves. */
  static HostResolver of(Map<String, String> hosts) {
    return host -> {
      String ip = hosts.getOrDefault(host, host);
      if (!ip.matches("[0-9.]+|[0-9a-fA-F:]+")) {
        throw new UnknownHostException(host + ": not in the table");
      }
      return List.of(InetAddress.getByName(ip));
    };
  }

  /** The host's addresses as text, or no address when it does not resolve. */
  default List<String> addressesOf(String host) {
    try {
      List<String> out = new ArrayList<>();
      resolve(host).forEach(a -> out.add(a.getHostAddress()));
      return out;
    } catch (UnknownHostException e) {
      return List.of();
    }
  }
}
