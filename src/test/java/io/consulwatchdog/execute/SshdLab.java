package io.consulwatchdog.execute;

import io.consulwatchdog.config.SshExecutorConfig;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A real OpenSSH sshd on a free 127.0.0.1 port for lab tests: generated host key, ed25519/rsa/ecdsa
 * client keys (plus a passphrase-protected ed25519 one) in authorized_keys, run as the current user
 * with {@code -D -e -f <config>}, stopped by PID on close.
 */
final class SshdLab implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  static final String PASSPHRASE = "correct horse battery staple";
  /** The user file commands run as behind a prefix: nobody (uid 65534) stands in for consul. */
  static final String FILE_OWNER = "nobody";

  final Path dir;
  final int port;
  final Path knownHosts;
  final String hostKeyFingerprint;
  private Process sshd;

  private SshdLab(Path dir, int port, List<String> moreUsers) throws IOException, InterruptedException {
    this.dir = dir;
    this.port = port;
    keygen("host_ed25519", "ed25519", "");
    StringBuilder authorized = new StringBuilder();
    for (String type : List.of("ed25519", "rsa", "ecdsa")) {
      keygen("id_" + type, type, "");
      authorized.append(Files.readString(dir.resolve("id_" + type + ".pub")));
    }
    keygen("id_encrypted", "ed25519", PASSPHRASE);
    authorized.append(Files.readString(dir.resolve("id_encrypted.pub")));
    Files.writeString(dir.resolve("passphrase"), PASSPHRASE + "\n");
    Files.writeString(dir.resolve("authorized_keys"), authorized);
    knownHosts = dir.resolve("known_hosts");
    Files.writeString(knownHosts, "[127.0.0.1]:" + port + " " + Files.readString(dir.resolve("host_ed25519.pub")));
    hostKeyFingerprint = LabProcesses.run(List.of("ssh-keygen", "-l", "-E", "sha256", "-f",
        dir.resolve("host_ed25519.pub").toString()), Duration.ofSeconds(10)).split(" ")[1];
    Files.writeString(dir.resolve("sshd_config"), String.join("\n",
        "Port " + port,
        "ListenAddress 127.0.0.1",
        "HostKey " + dir.resolve("host_ed25519"),
        "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
        "PidFile none",
        "StrictModes no",
        "UsePAM no",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PubkeyAuthentication yes",
        "PermitRootLogin prohibit-password",
        "AllowUsers " + String.join(" ", allowed(moreUsers)),
        "MaxSessions 30",
        "LogLevel VERBOSE",
        ""));
  }

  /** Generates keys and starts sshd; the caller closes it in a finally block or try-with-resources. */
  static SshdLab start(Path dir) throws IOException, InterruptedException {
    return start(dir, List.of());
  }

  /**
   * As {@link #start(Path)}, letting the given users log in too with the same keys (the public keys then
   * become readable by everyone: sshd reads them as the user logging in).
   */
  static SshdLab start(Path dir, List<String> moreUsers) throws IOException, InterruptedException {
    Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege separation directory
    SshdLab lab = new SshdLab(dir, LabProcesses.freePort(), moreUsers);
    if (!moreUsers.isEmpty()) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
      Files.setPosixFilePermissions(dir.resolve("authorized_keys"), PosixFilePermissions.fromString("rw-r--r--"));
    }
    try {
      lab.startSshd();
      return lab;
    } catch (IOException | InterruptedException | RuntimeException e) {
      lab.close();
      throw e;
    }
  }

  private static List<String> allowed(List<String> moreUsers) {
    List<String> users = new ArrayList<>(List.of(System.getProperty("user.name")));
    users.addAll(moreUsers);
    return users;
  }

  /** Starts sshd again on the same port and keys (after {@link #stopSshd}). */
  void startSshd() throws IOException, InterruptedException {
    sshd = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", dir.resolve("sshd_config").toString())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("sshd.log").toFile()))
        .start();
    if (!LabProcesses.awaitPort("127.0.0.1", port, true, START_TIMEOUT)) {
      String log = Files.readString(dir.resolve("sshd.log"));
      throw new IllegalStateException("sshd did not listen on 127.0.0.1:" + port + ": " + log);
    }
  }

  /** Stops sshd by PID and waits until its port is closed. */
  void stopSshd() throws InterruptedException {
    // per-connection sshd children too, like a host going down
    List<ProcessHandle> children = sshd.descendants().toList();
    LabProcesses.stop(sshd, Duration.ofSeconds(5));
    children.forEach(c -> LabProcesses.stop(c.pid(), Duration.ofSeconds(5)));
    sshd = null;
    LabProcesses.awaitPort("127.0.0.1", port, false, Duration.ofSeconds(5));
  }

  /**
   * An SSH executor config for this sshd with the given key, known_hosts and commands; file commands
   * behind a prefix run as {@value #FILE_OWNER} (as they run as consul in production).
   */
  SshExecutorConfig config(String keyName, Path knownHostsFile, boolean tofu, List<String> stop, List<String> start,
      List<String> restart, List<String> prefix) {
    return config(System.getProperty("user.name"), keyName, knownHostsFile, tofu, stop, start, restart, prefix,
        prefix.isEmpty() ? "" : FILE_OWNER);
  }

  /** An SSH executor config for this sshd logging in as the given user, with the given file owner. */
  SshExecutorConfig config(String user, String keyName, Path knownHostsFile, boolean tofu, List<String> stop,
      List<String> start, List<String> restart, List<String> prefix, String fileOwner) {
    Optional<Path> passphrase = keyName.equals("id_encrypted") ? Optional.of(dir.resolve("passphrase"))
        : Optional.empty();
    return new SshExecutorConfig("127.0.0.1", port, user, dir.resolve(keyName), passphrase, knownHostsFile, tofu,
        Duration.ofSeconds(10), stop, start, restart, prefix, fileOwner);
  }

  private void keygen(String name, String type, String passphrase) throws IOException, InterruptedException {
    LabProcesses.run(List.of("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", name + "@lab", "-f",
        dir.resolve(name).toString()), Duration.ofSeconds(30));
  }

  /** Lets the file owner ({@value #FILE_OWNER}) reach into a test's directory, as consul reaches its data dir. */
  static void openToFileOwner(Path dir) throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** Closes the client pool, then stops sshd, even when closing the pool fails; either may be null. */
  static void close(SshClientPool pool, SshdLab sshd) throws InterruptedException {
    try {
      if (pool != null) {
        pool.close();
      }
    } finally {
      if (sshd != null) {
        sshd.close();
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (sshd != null) {
      stopSshd();
    }
    try {
      // into the surefire output file, for post-mortems
      System.out.println("--- sshd.log (last 80 lines) ---");
      List<String> log = Files.readAllLines(dir.resolve("sshd.log"));
      log.subList(Math.max(0, log.size() - 80), log.size()).forEach(System.out::println);
    } catch (IOException e) {
      System.out.println("no sshd.log: " + e.getMessage());
    }
  }
}
