package io.consulwatchdog.daemon;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP server on loopback that accepts connections and never answers (a hung agent, which Consul itself
 * does not produce on demand): a poll of it lasts the request timeout. Closing it closes every connection.
 */
final class SilentServer implements AutoCloseable {
  private final ServerSocket socket;
  private final List<Socket> held = new CopyOnWriteArrayList<>();

  SilentServer() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(() -> {
      for (int i = 0; i < 1000 && !socket.isClosed(); i++) {
        try {
          held.add(socket.accept());
        } catch (IOException closed) {
          return;
        }
      }
    }, "silent-server");
    accept.setDaemon(true);
    accept.start();
  }

  /** Its port on 127.0.0.1. */
  int port() {
    return socket.getLocalPort();
  }

  /** Its address as a server's http_address. */
  String httpAddress() {
    return "http://127.0.0.1:" + port();
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket s : held) {
      s.close();
    }
  }
}
