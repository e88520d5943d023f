package io.consulwatchdog.recover;

import io.consulwatchdog.json.JsonMapper;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consulwatchdog.decide.RecoveryStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/** Persists each cluster's {@link RecoveryStatus} to {@code <stateDir>/<cluster>/state.json}, atomically. */
public final class RecoveryStatusStore {
  private static final ObjectMapper JSON = JsonMapper.compact();
  private final Path stateDir;

  /** A store under the watchdog's state directory. */
  public RecoveryStatusStore(Path stateDir) {
    this.stateDir = stateDir;
  }

  /** The file holding a cluster's state. */
  public Path file(String cluster) {
    return stateDir.resolve(cluster).resolve("state.json");
  }

  /** The saved state, or empty when none was saved yet. */
  public Optional<RecoveryStatus> load(String cluster) {
    try {
      return Optional.of(JSON.readValue(Files.readAllBytes(file(cluster)), RecoveryStatus.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file(cluster), e);
    }
  }

  /** The saved state, or the initial IDLE state. */
  public RecoveryStatus loadOrInitial(String cluster, Instant now) {
    return load(cluster).orElseGet(() -> RecoveryStatus.initial(cluster, now));
  }

  /** Writes the state to a temporary file, forces it to disk, then renames it over state.json. */
  public void save(RecoveryStatus state) {
    Path target = file(state.cluster());
    try {
      Files.createDirectories(target.getParent());
      Path tmp = target.resolveSibling("state.json.tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state));
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }
}
