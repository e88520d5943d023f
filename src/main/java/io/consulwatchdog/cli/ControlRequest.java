package io.consulwatchdog.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.function.BiConsumer;
import picocli.CommandLine;

/** Sends one control request (pause, resume, ack) to the daemon and maps its answer to output and exit code. */
final class ControlRequest {
  private ControlRequest() {}

  /** POSTs to /clusters/CLUSTER/ACTION; prints the reply with the printer, or the error; returns the exit code. */
  static int send(CommandLine.Model.CommandSpec spec, DaemonClient client, String cluster, String action, Object body,
      BiConsumer<PrintWriter, JsonNode> printer) throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    DaemonClient.Response r;
    try {
      r = client.post("/clusters/" + cluster + "/" + action, body);
    } catch (DaemonClient.Unreachable e) {
      err.println("consul-watchdog: " + e.getMessage());
      err.flush();
      return ExitCodes.UNAVAILABLE;
    } catch (DaemonClient.NoToken e) {
      err.println("consul-watchdog: " + e.getMessage());
      err.flush();
      return e.exitCode;
    }
    if (!r.ok()) {
      return DaemonClient.fail(err, r);
    }
    PrintWriter out = spec.commandLine().getOut();
    printer.accept(out, r.body());
    out.flush();
    return 0;
  }
}
