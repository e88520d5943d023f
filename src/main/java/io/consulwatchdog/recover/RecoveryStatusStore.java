package io.consulwatchdog.recover;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.consulwatchdog.decide.RecoveryStatus;
import io.consulwatchdog.json.JsonFiles;
import io.consulwatchdog.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Persists each cluster's {@link RecoveryStatus} to {@code <stateDir>/<cluster>/state.json}, atomically. */
public final class RecoveryStatusStore {
  private static final Logger log = LoggerFactory.getLogger(RecoveryStatusStore.class);
  private static final ObjectMapper JSON = JsonMapper.pretty();
  private final Path stateDir;
  /** Clusters whose damaged state file was already warned about. */
  private final Set<String> damagedWarned = ConcurrentHashMap.newKeySet();

  /** A store under the watchdog's state directory. */
  public RecoveryStatusStore(Path stateDir) {
    this.stateDir = stateDir;
  }

  /** The file holding a cluster's state. */
  public Path file(String cluster) {
    return stateDir.resolve(cluster).resolve("state.json");
  }

  /**
   * The saved state, or empty when none was saved yet. An empty or torn file (a crash while it was written)
   * counts as none, with one warning until the state is saved again, never an exception every poll.
   */
  public Optional<RecoveryStatus> load(String cluster) {
    try {
      Optional<RecoveryStatus> saved = JsonFiles.read(file(cluster), JSON, RecoveryStatus.class);
      damagedWarned.remove(cluster);
      return saved;
    } catch (JsonFiles.DamagedFileException e) {
      if (damagedWarned.add(cluster)) {
        log.warn("{}: the recovery state is taken as initial IDLE; the audit journal still shows an unfinished"
            + " recovery, if any ({})", file(cluster), e.getMessage());
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file(cluster), e);
    }
  }

  /** The saved state, or the initial IDLE state. */
  public RecoveryStatus loadOrInitial(String cluster, Instant now) {
    return load(cluster).orElseGet(() -> RecoveryStatus.initial(cluster, now));
  }

  /** Writes the state to a temporary file of its own, forces it to disk, renames it over state.json, forces the directory. */
  public void save(RecoveryStatus state) {
    Path target = file(state.cluster());
    try {
      JsonFiles.write(target, JSON, state);
      damagedWarned.remove(state.cluster());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }
}
