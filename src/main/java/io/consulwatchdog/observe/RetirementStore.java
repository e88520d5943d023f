package io.consulwatchdog.observe;

import com.fasterxml.jackson.core.type.TypeReference;
import io.consulwatchdog.json.JsonMapper;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The voters an operator declared gone for good (`consul-watchdog retire`), kept in
 * {@code <stateDir>/<cluster>/retired.json}: the only way, besides removing a server from the inventory or
 * rebuilding it, for the watchdog to leave a voter it cannot identify out of an outage recovery.
 */
public final class RetirementStore {
  private static final Logger log = LoggerFactory.getLogger(RetirementStore.class);

  private final Path stateDir;

  /** A store under the watchdog's state directory. */
  public RetirementStore(Path stateDir) {
    this.stateDir = stateDir;
  }

  /**
   * One retired voter.
   *
   * @param nodeId its raft ID / node ID
   * @param name the name it was known by, if any
   * @param retiredBy the operator (OS user) who retired it
   * @param retiredAt when
   * @param note why, in the operator's words
   */
  public record Retirement(String nodeId, String name, String retiredBy, Instant retiredAt, String note) {}

  /** The cluster's retirements, oldest first; an unreadable file counts as none, with a warning. */
  public List<Retirement> load(String cluster) {
    Path file = file(cluster);
    try {
      return List.copyOf(JsonMapper.compact().readValue(Files.readAllBytes(file),
          new TypeReference<List<Retirement>>() { }));
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      log.warn("{} cannot be read ({}): no voter counts as retired", file, e.getMessage());
      return List.of();
    }
  }

  /** The retired node IDs. */
  public Set<String> nodeIds(String cluster) {
    return load(cluster).stream().map(Retirement::nodeId).collect(Collectors.toUnmodifiableSet());
  }

  /** Adds a retirement (replacing an earlier one of the same node ID); written atomically with fsync. */
  public void add(String cluster, Retirement retirement) {
    List<Retirement> all = new ArrayList<>(load(cluster));
    all.removeIf(r -> r.nodeId().equalsIgnoreCase(retirement.nodeId()));
    all.add(retirement);
    Path file = file(cluster);
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), ".retired", ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(JsonMapper.pretty().writeValueAsBytes(all));
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
        dir.force(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** The file of a cluster's retirements. */
  public Path file(String cluster) {
    return stateDir.resolve(cluster).resolve("retired.json");
  }
}
