package io.consulwatchdog.lab;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A loopback block 127.X.Y.0/24 owned by one lab cluster, chosen at random in 127.100-199.*.* and
 * held with an exclusive file lock in java.io.tmpdir, so that labs in parallel JVMs never collide.
 */
public final class AddressBlock implements AutoCloseable {
  /** Consul's TCP ports: server RPC, serf LAN, serf WAN, HTTP, HTTPS. */
  static final List<Integer> TCP_PORTS = List.of(8300, 8301, 8302, 8500, 8501);
  /** Consul's UDP ports: serf LAN and WAN. */
  static final List<Integer> UDP_PORTS = List.of(8301, 8302);
  private static final int ATTEMPTS = 200;
  private static final Random RANDOM = new SecureRandom();
  private static final String LOCK_PREFIX = "consul-watchdog-lab-";
  /**
   * Lock files this JVM holds. On Linux, closing ANY channel on a file releases this process's lock on
   * it, so a file in this set is never opened a second time (FileLock's Javadoc; LUCENE-5738).
   */
  private static final java.util.Set<Path> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final String prefix;
  private final Path lockFile;
  private final FileChannel channel;
  private final FileLock lock;
  private int nextHost = 1;

  private AddressBlock(String prefix, Path lockFile, FileChannel channel, FileLock lock) {
    this.prefix = prefix;
    this.lockFile = lockFile;
    this.channel = channel;
    this.lock = lock;
  }

  /** Picks a free block at random and locks it for the life of this object. */
  public static AddressBlock acquire() {
    return acquire(Optional.empty());
  }

  /**
   * Picks a free block at random, locks it for the life of this object and writes the owner's lab
   * directory into the lock file, so that a later lab can find servers orphaned by a killed JVM.
   */
  public static AddressBlock acquire(Optional<Path> ownerDir) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      String prefix = "127." + (100 + RANDOM.nextInt(100)) + "." + RANDOM.nextInt(256) + ".";
      Path lockFile = lockDir().resolve(LOCK_PREFIX + prefix + "0.lock");
      if (!HELD.add(lockFile)) {
        continue; // this JVM holds it already
      }
      FileChannel channel = null;
      try {
        channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock != null) {
          channel.truncate(0);
          channel.write(ByteBuffer.wrap(ownerDir.map(Path::toString).orElse("").getBytes(StandardCharsets.UTF_8)));
          channel.force(false);
          return new AddressBlock(prefix, lockFile, channel, lock);
        }
      } catch (OverlappingFileLockException | IOException e) {
        // unusable: try another block
      }
      closeQuietly(channel);
      HELD.remove(lockFile);
    }
    throw new LabException("no free loopback block found in " + ATTEMPTS + " attempts");
  }

  /**
   * The lab directories named in lock files that nobody holds any more: their owners closed or died.
   * Lock files are never deleted (another JVM may be about to lock one).
   */
  static List<Path> unheldOwnerDirs() {
    List<Path> owners = new ArrayList<>();
    try (Stream<Path> files = Files.list(lockDir())) {
      for (Path lockFile : files.filter(f -> f.getFileName().toString().startsWith(LOCK_PREFIX))
          .filter(f -> !HELD.contains(f)).toList()) {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
          FileLock lock = channel.tryLock();
          if (lock != null) {
            String owner = Files.readString(lockFile, StandardCharsets.UTF_8).trim();
            lock.release();
            if (!owner.isEmpty()) {
              owners.add(Path.of(owner));
            }
          }
        } catch (OverlappingFileLockException | IOException e) {
          // held by this JVM, or unreadable: not stale
        }
      }
    } catch (IOException e) {
      return owners;
    }
    return owners;
  }

  private static Path lockDir() {
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  /** The block in CIDR form, e.g. 127.123.45.0/24. */
  public String cidr() {
    return prefix + "0/24";
  }

  /** Returns the next unused address of the block whose Consul ports are all free. */
  public synchronized String nextAddress() {
    while (nextHost <= 254) {
      String address = prefix + nextHost++;
      if (portsFree(address)) {
        return address;
      }
    }
    throw new LabException("no address with free Consul ports left in " + cidr());
  }

  /** True if nothing listens on Consul's TCP and UDP ports at the address. */
  static boolean portsFree(String address) {
    try {
      InetAddress ip = InetAddress.getByName(address);
      for (int port : TCP_PORTS) {
        try (ServerSocket s = new ServerSocket()) {
          s.setReuseAddress(true);
          s.bind(new InetSocketAddress(ip, port));
        }
      }
      for (int port : UDP_PORTS) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(ip, port))) {
          s.getLocalPort();
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Releases the lock. */
  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } catch (IOException ignored) {
      // closing the channel releases it too
    }
    closeQuietly(channel);
    HELD.remove(lockFile);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing left to do
      }
    }
  }
}
