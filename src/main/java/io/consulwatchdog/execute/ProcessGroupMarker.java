package io.consulwatchdog.execute;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * Stderr sink for remote commands that picks out the line {@code consul-watchdog-pgid=<pid>} written by
 * the command's wrapper (the remote login shell's PID, which leads the session's process group) and
 * passes every other byte on to the real sink. Lines before it (e.g. from a shell rc file) pass through;
 * after {@value #SCAN_LIMIT} bytes without the marker it stops looking.
 */
final class ProcessGroupMarker extends OutputStream {
  /** The shell snippet that prints the marker line; the remote command line follows it. */
  static final String PRINT = "echo consul-watchdog-pgid=$$ >&2; ";
  private static final String PREFIX = "consul-watchdog-pgid=";
  private static final int SCAN_LIMIT = 4096;

  private final OutputStream next;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private int scanned;
  private boolean done;
  private volatile long pgid = -1;

  /** Wraps the sink that receives stderr without the marker line. */
  ProcessGroupMarker(OutputStream next) {
    this.next = next;
  }

  /** The remote process group id once the marker line arrived. */
  OptionalLong pgid() {
    return pgid > 0 ? OptionalLong.of(pgid) : OptionalLong.empty();
  }

  @Override
  public synchronized void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    int i = off;
    int end = off + len;
    while (!done && i < end) {
      byte c = b[i++];
      scanned++;
      if (c == '\n') {
        endOfLine();
      } else {
        line.write(c);
      }
      if (!done && scanned >= SCAN_LIMIT) {
        done = true;
        next.write(line.toByteArray());
      }
    }
    if (i < end) {
      next.write(b, i, end - i);
    }
  }

  private void endOfLine() throws IOException {
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    if (text.startsWith(PREFIX)) {
      try {
        pgid = Long.parseLong(text.substring(PREFIX.length()).strip());
        done = true;
        return;
      } catch (NumberFormatException e) {
        // not our marker: pass it on below
      }
    }
    next.write(text.getBytes(StandardCharsets.UTF_8));
    next.write('\n');
  }
}
