package io.consulwatchdog.recover;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.consulwatchdog.decide.Pause;
import io.consulwatchdog.json.JsonFiles;
import io.consulwatchdog.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each cluster's {@link Pause} in {@code <stateDir>/<cluster>/pause.json}, written atomically, so that
 * a pause survives a restart of the daemon. An expired pause may stay in the file: it no longer counts.
 */
public final class PauseStore {
  private static final Logger log = LoggerFactory.getLogger(PauseStore.class);
  private static final ObjectMapper JSON = JsonMapper.pretty();
  private final Path stateDir;
  private final Set<String> damagedWarned = ConcurrentHashMap.newKeySet();

  /** A store under the watchdog's state directory. */
  public PauseStore(Path stateDir) {
    this.stateDir = stateDir;
  }

  /** The file holding a cluster's pause. */
  public Path file(String cluster) {
    return stateDir.resolve(cluster).resolve("pause.json");
  }

  /** The saved pause, if any; a damaged file counts as none, with one warning until a pause is saved again. */
  public Optional<Pause> load(String cluster) {
    try {
      Optional<Pause> saved = JsonFiles.read(file(cluster), JSON, Pause.class);
      damagedWarned.remove(cluster);
      return saved;
    } catch (JsonFiles.DamagedFileException e) {
      if (damagedWarned.add(cluster)) {
        log.warn("{}: taken as no pause ({})", file(cluster), e.getMessage());
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file(cluster), e);
    }
  }

  /** Saves a cluster's pause (replacing any other), atomically and durably. */
  public void save(String cluster, Pause pause) {
    try {
      JsonFiles.write(file(cluster), JSON, pause);
      damagedWarned.remove(cluster);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file(cluster), e);
    }
  }

  /** Removes a cluster's pause, durably; returns the one that was saved, if any (expired or not). */
  public Optional<Pause> clear(String cluster) {
    Optional<Pause> was = load(cluster);
    Path file = file(cluster);
    try {
      if (Files.deleteIfExists(file)) {
        try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
          directory.force(true);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + file, e);
    }
    return was;
  }
}
