package io.consulwatchdog.execute;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Keeps the last {@value #LIMIT} bytes written to it, so a chatty command cannot exhaust memory. */
final class OutputTail extends OutputStream {
  /** Bytes kept: the tail of the output. */
  static final int LIMIT = 64 * 1024;

  private ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private long total;

  @Override
  public synchronized void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] bytes, int offset, int length) {
    buffer.write(bytes, offset, length);
    total += length;
    if (buffer.size() > 2 * LIMIT) {
      byte[] all = buffer.toByteArray();
      buffer = new ByteArrayOutputStream(2 * LIMIT);
      buffer.write(all, all.length - LIMIT, LIMIT);
    }
  }

  /** Returns true when more than {@value #LIMIT} bytes were written and the head was dropped. */
  synchronized boolean truncated() {
    return total > LIMIT;
  }

  /** Returns the kept tail as UTF-8 text, prefixed with a marker when the head was dropped. */
  synchronized String text() {
    byte[] all = buffer.toByteArray();
    int from = Math.max(0, all.length - LIMIT);
    String tail = new String(all, from, all.length - from, StandardCharsets.UTF_8);
    return total > LIMIT ? "[... " + (total - LIMIT) + " bytes dropped ...]\n" + tail : tail;
  }

  /** Returns the last non-blank line of the kept text, or "" when there is none. */
  synchronized String lastLine() {
    return lastLine(text());
  }

  /** Returns the last non-blank line of a text, or "" when there is none. */
  static String lastLine(String text) {
    String[] lines = text.strip().split("\\R");
    return lines.length == 0 ? "" : lines[lines.length - 1].strip();
  }

  /** Starts a daemon thread that copies a stream into this tail until the stream ends. */
  Thread drain(InputStream in, String threadName) {
    Thread t = new Thread(() -> {
      byte[] chunk = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(chunk)) >= 0) {
          write(chunk, 0, n);
        }
      } catch (IOException e) {
        // the process ended or its pipe was closed: what was read so far is kept
      }
    }, threadName);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
