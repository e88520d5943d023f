package io.consulwatchdog.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the consul-watchdog project directory, the one holding scripts/fetch-consul.sh. */
final class ProjectDir {
  static final String PROPERTY = "consulwatchdog.projectDir";
  static final String FETCH_SCRIPT = "scripts/fetch-consul.sh";

  private ProjectDir() {}

  /** The directory named by -Dconsulwatchdog.projectDir, else the nearest one up from the working dir. */
  static Optional<Path> find() {
    String configured = System.getProperty(PROPERTY);
    if (configured != null && !configured.isBlank()) {
      Path dir = Path.of(configured).toAbsolutePath().normalize();
      return Files.isRegularFile(dir.resolve(FETCH_SCRIPT)) ? Optional.of(dir) : Optional.empty();
    }
    Path dir = Path.of("").toAbsolutePath().normalize();
    for (int depth = 0; dir != null && depth < 64; depth++, dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(FETCH_SCRIPT))) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }
}
