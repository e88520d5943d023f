package io.consulwatchdog.observe;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.consulwatchdog.json.JsonFiles;
import io.consulwatchdog.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each cluster's last-known-good topology in {@code <stateDir>/<cluster>/topology.json}, so a
 * recovery can name servers that no longer answer.
 */
public final class TopologyStore {
  private static final Logger log = LoggerFactory.getLogger(TopologyStore.class);
  private static final ObjectMapper JSON = JsonMapper.pretty();

  private final Path stateDir;
  private final boolean writable;
  /** What each cluster's file holds, so that a poll compares in memory instead of re-reading the file. */
  private final Map<String, KnownTopology> saved = new ConcurrentHashMap<>();
  /** Clusters whose damaged file was already warned about. */
  private final Set<String> damagedWarned = ConcurrentHashMap.newKeySet();

  /** A store under the given state directory. */
  public TopologyStore(Path stateDir) {
    this(stateDir, true);
  }

  private TopologyStore(Path stateDir, boolean writable) {
    this.stateDir = stateDir;
    this.writable = writable;
  }

  /** A store that reads the stored topology but never writes one (for tools that only look). */
  public static TopologyStore readOnly(Path stateDir) {
    return new TopologyStore(stateDir, false);
  }

  /**
   * The stored topology of a cluster, if any (read once, then kept in memory as this store writes it). An empty
   * or torn file (a crash while it was written) makes the topology unknown, with one warning until a topology
   * is stored again, never an exception every poll.
   */
  public Optional<KnownTopology> load(String cluster) {
    KnownTopology known = saved.get(cluster);
    if (known != null) {
      return Optional.of(known);
    }
    Optional<KnownTopology> read = read(cluster);
    read.ifPresent(t -> saved.putIfAbsent(cluster, t));
    return read;
  }

  private Optional<KnownTopology> read(String cluster) {
    Path file = file(cluster);
    try {
      Optional<KnownTopology> topology = JsonFiles.read(file, JSON, KnownTopology.class);
      damagedWarned.remove(cluster);
      return topology;
    } catch (JsonFiles.DamagedFileException e) {
      if (damagedWarned.add(cluster)) {
        log.warn("{}: the last-known-good topology is unknown until a leader is seen again ({})", file, e.getMessage());
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * Derives the topology a snapshot shows while it has a leader (the leader's raft configuration,
   * with names and versions from the observations); empty without a leader's configuration.
   */
  public static Optional<KnownTopology> fromSnapshot(ClusterSnapshot snapshot, Instant at) {
    Optional<ServerObservation> leader = snapshot.reachable().stream()
        .filter(s -> "Leader".equals(s.raftState()) && s.raftConfiguration().isPresent())
        .max(Comparator.comparingLong(ServerObservation::term));
    if (leader.isEmpty()) {
      return Optional.empty();
    }
    List<KnownServer> servers = new ArrayList<>();
    for (RaftServer r : leader.get().raftConfiguration().get()) {
      Optional<ServerObservation> seen = snapshot.reachable().stream()
          .filter(s -> s.nodeId().equals(r.id())).findFirst();
      servers.add(new KnownServer(
          r.node().isEmpty() ? seen.map(ServerObservation::nodeName).orElse("") : r.node(),
          r.id(), r.address(), seen.map(ServerObservation::version).orElse(""), r.voter()));
    }
    return Optional.of(new KnownTopology(snapshot.cluster(), at, leader.get().raftProtocol(), servers));
  }

  /** Stores the topology when its servers differ from the stored ones; returns true if it wrote. */
  public boolean saveIfChanged(KnownTopology topology) {
    if (!writable) {
      return false;
    }
    Optional<KnownTopology> old = load(topology.cluster());
    if (old.isPresent() && old.get().servers().equals(topology.servers())
        && old.get().raftProtocol() == topology.raftProtocol()) {
      saved.putIfAbsent(topology.cluster(), old.get());
      return false;
    }
    Path file = file(topology.cluster());
    try {
      JsonFiles.write(file, JSON, topology);
      saved.put(topology.cluster(), topology);
      damagedWarned.remove(topology.cluster());
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private Path file(String cluster) {
    return stateDir.resolve(cluster).resolve("topology.json");
  }
}
