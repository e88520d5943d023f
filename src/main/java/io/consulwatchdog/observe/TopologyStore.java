package io.consulwatchdog.observe;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Keeps each cluster's last-known-good topology in {@code <stateDir>/<cluster>/topology.json}, so a
 * recovery can name servers that no longer answer.
 */
public final class TopologyStore {
  private static final ObjectMapper JSON = io.consulwatchdog.json.JsonMapper.pretty();

  private final Path stateDir;
  private final boolean writable;
  /** What each cluster's file holds, so that a poll compares in memory instead of re-reading the file. */
  private final java.util.Map<String, KnownTopology> saved = new java.util.concurrent.ConcurrentHashMap<>();

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

  /** Reads the stored topology of a cluster, if any. */
  public Optional<KnownTopology> load(String cluster) {
    Path file = file(cluster);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), KnownTopology.class));
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
    Optional<KnownTopology> old = Optional.ofNullable(saved.get(topology.cluster())).or(() -> load(topology.cluster()));
    if (old.isPresent() && old.get().servers().equals(topology.servers())
        && old.get().raftProtocol() == topology.raftProtocol()) {
      saved.putIfAbsent(topology.cluster(), old.get());
      return false;
    }
    Path file = file(topology.cluster());
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, JSON.writeValueAsBytes(topology));
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      saved.put(topology.cluster(), topology);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private Path file(String cluster) {
    return stateDir.resolve(cluster).resolve("topology.json");
  }
}
