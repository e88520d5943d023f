package io.consulwatchdog.execute;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** A directory tree as text, to show that a check changed nothing. */
final class TreeSnapshot {
  private TreeSnapshot() {}

  /** Every path under root with its type, size and modification time, sorted. */
  static List<String> of(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.map(p -> {
        try {
          return p + " " + Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) + " " + Files.size(p) + " "
              + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
          return p + " " + e;
        }
      }).sorted().toList();
    }
  }
}
