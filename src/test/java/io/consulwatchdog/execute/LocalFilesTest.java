package io.consulwatchdog.execute;

import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.plan.AgentOperation.MoveDirectory;
import io.consulwatchdog.plan.AgentOperation.ReadFile;
import io.consulwatchdog.plan.AgentOperation.RemoveFile;
import io.consulwatchdog.plan.AgentOperation.WriteFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local file operations never follow a symbolic link, and the undo operations are repeatable. */
class LocalFilesTest {
  private static final byte[] CONTENT = "[{\"id\":\"a\"}]\n".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  private Path victim() throws Exception {
    Path victim = dir.resolve("victim");
    Files.writeString(victim, "precious");
    return victim;
  }

  @Test
  void writeRefusesALinkAtTheFinalNameAndLeavesItsTargetUntouched() throws Exception {
    Path victim = victim();
    Path data = Files.createDirectories(dir.resolve("raft"));
    Path target = data.resolve("peers.json");
    Files.createSymbolicLink(target, victim);

    ExecutionResult r = LocalFiles.write(new WriteFile(target.toString(), CONTENT, "0644"));

    assertThat(r.success()).isFalse();
    assertThat(r.error()).isEqualTo("write-file " + target + ": " + target + " is a symbolic link (refused: the"
        + " watchdog never writes through links)");
    assertThat(Files.readString(victim)).isEqualTo("precious");
    assertThat(Files.readSymbolicLink(target)).isEqualTo(victim);
    assertThat(Files.list(data).map(p -> p.getFileName().toString())).containsExactly("peers.json");
  }

  @Test
  void writeRefusesALinkAtTheTemporaryNameAndLeavesItsTargetUntouched() throws Exception {
    Path victim = victim();
    Path data = Files.createDirectories(dir.resolve("raft"));
    Path target = data.resolve("peers.json");
    Path planted = Path.of(LocalFiles.temporaryFileFor(target.toString(), "0123456789abcdef"));
    Files.createSymbolicLink(planted, victim);

    ExecutionResult r = LocalFiles.write(new WriteFile(target.toString(), CONTENT, "0644"), "0123456789abcdef");

    assertThat(r.success()).isFalse();
    assertThat(r.error()).isEqualTo("write-file " + target + ": " + planted + " already exists (refused: a new file"
        + " is never written through an existing name or link)");
    assertThat(Files.readString(victim)).isEqualTo("precious");
    assertThat(Files.readSymbolicLink(planted)).isEqualTo(victim);
    assertThat(target).doesNotExist();
  }

  @Test
  void writeRefusesADirectoryThatIsALink() throws Exception {
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Path data = dir.resolve("raft");
    Files.createSymbolicLink(data, elsewhere);

    ExecutionResult r = LocalFiles.write(new WriteFile(data.resolve("peers.json").toString(), CONTENT, "0644"));

    assertThat(r.success()).isFalse();
    assertThat(r.error()).endsWith("directory " + data + " is a symbolic link (refused: links are never followed)");
    try (Stream<Path> files = Files.list(elsewhere)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void writeUsesAFreshTemporaryNameEachTimeAndLeavesNoneBehind() throws Exception {
    Path data = Files.createDirectories(dir.resolve("raft"));
    Path someoneElses = data.resolve(".peers.json.consul-watchdog-tmp");
    Files.writeString(someoneElses, "another writer's temporary file");
    Path target = data.resolve("peers.json");
    String first = LocalFiles.newToken();

    assertThat(LocalFiles.write(new WriteFile(target.toString(), CONTENT, "0640")).success()).isTrue();
    assertThat(LocalFiles.write(new WriteFile(target.toString(), CONTENT, "0640")).success()).isTrue();

    assertThat(first).matches("[0-9a-f]{16}").isNotEqualTo(LocalFiles.newToken());
    assertThat(Files.readAllBytes(target)).isEqualTo(CONTENT);
    assertThat(Files.readString(someoneElses)).isEqualTo("another writer's temporary file");
    try (Stream<Path> files = Files.list(data)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("peers.json",
          ".peers.json.consul-watchdog-tmp");
    }
  }

  @Test
  void readRefusesALink() throws Exception {
    Path victim = victim();
    Path link = dir.resolve("consul.hcl");
    Files.createSymbolicLink(link, victim);

    ExecutionResult r = LocalFiles.read(new ReadFile(link.toString()));

    assertThat(r.success()).isFalse();
    assertThat(r.stdout()).isEmpty();
    assertThat(r.error()).isEqualTo("read-file " + link + ": " + link + " is a symbolic link (refused: links are"
        + " never followed)");
  }

  @Test
  void removeIsRepeatableRefusesADirectoryAndRemovesALinkButNotItsTarget() throws Exception {
    Path data = Files.createDirectories(dir.resolve("raft"));
    Path peers = data.resolve("peers.json");
    Files.write(peers, CONTENT);
    RemoveFile op = new RemoveFile(peers.toString());

    ExecutionResult removed = LocalFiles.remove(op);
    ExecutionResult again = LocalFiles.remove(op);
    ExecutionResult noDirectory = LocalFiles.remove(new RemoveFile(dir.resolve("gone/peers.json").toString()));

    assertThat(removed.success()).as(removed.error()).isTrue();
    assertThat(removed.stdout()).isEqualTo("removed " + peers);
    assertThat(peers).doesNotExist();
    assertThat(again.success()).isTrue();
    assertThat(again.stdout()).isEqualTo("already absent: " + peers);
    assertThat(noDirectory.success()).isTrue();

    ExecutionResult directory = LocalFiles.remove(new RemoveFile(data.toString()));
    assertThat(directory.success()).isFalse();
    assertThat(directory.error()).isEqualTo("remove-file " + data + ": " + data
        + " is a directory (remove-file removes files only)");
    assertThat(data).isDirectory();

    Path victim = victim();
    Files.createSymbolicLink(peers, victim);
    ExecutionResult link = LocalFiles.remove(op);
    assertThat(link.success()).isTrue();
    assertThat(Files.exists(peers, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(Files.readString(victim)).isEqualTo("precious");
  }

  @Test
  void moveRenamesADirectoryAndIsRepeatable() throws Exception {
    Path raft = Files.createDirectories(dir.resolve("raft"));
    Files.writeString(raft.resolve("raft.db"), "db");
    Path moved = dir.resolve("raft.moved-r1");
    MoveDirectory op = new MoveDirectory(raft.toString(), moved.toString());

    ExecutionResult first = LocalFiles.move(op);
    ExecutionResult again = LocalFiles.move(op);
    ExecutionResult back = LocalFiles.move(new MoveDirectory(moved.toString(), raft.toString()));

    assertThat(first.success()).as(first.error()).isTrue();
    assertThat(first.stdout()).isEqualTo("moved " + raft + " to " + moved);
    assertThat(again.success()).as(again.error()).isTrue();
    assertThat(again.stdout()).isEqualTo("already moved: " + raft + " is gone and " + moved + " is there");
    assertThat(back.success()).as(back.error()).isTrue();
    assertThat(Files.readString(raft.resolve("raft.db"))).isEqualTo("db");
    assertThat(moved).doesNotExist();
  }

  @Test
  void moveRefusesAnExistingTargetALinkAsSourceAndAMissingSource() throws Exception {
    Path raft = Files.createDirectories(dir.resolve("raft"));
    Path taken = Files.createDirectories(dir.resolve("raft.moved-r1"));
    ExecutionResult exists = LocalFiles.move(new MoveDirectory(raft.toString(), taken.toString()));
    assertThat(exists.success()).isFalse();
    assertThat(exists.error()).isEqualTo("move-directory " + raft + " -> " + taken + ": target " + taken + " exists");
    assertThat(raft).isDirectory();

    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Path link = dir.resolve("linked-raft");
    Files.createSymbolicLink(link, elsewhere);
    ExecutionResult linked = LocalFiles.move(new MoveDirectory(link.toString(), dir.resolve("raft.moved-r2")
        .toString()));
    assertThat(linked.success()).isFalse();
    assertThat(linked.error()).endsWith("source " + link + " is a symbolic link (refused)");
    assertThat(Files.isSymbolicLink(link)).isTrue();

    ExecutionResult missing = LocalFiles.move(new MoveDirectory(dir.resolve("nothing").toString(),
        dir.resolve("nothing.moved").toString()));
    assertThat(missing.success()).isFalse();
    assertThat(missing.error()).endsWith("source " + dir.resolve("nothing") + " does not exist");
  }

  @Test
  void moveAcrossFileSystemsIsAClearError() throws Exception {
    Path raft = Files.createDirectories(dir.resolve("raft"));
    Path other = AnotherFileSystem.directory(dir, "cw-move");
    try {
      ExecutionResult r = LocalFiles.move(new MoveDirectory(raft.toString(), other.resolve("raft").toString()));
      assertThat(r.success()).isFalse();
      assertThat(r.error()).endsWith("not on the same file system (a rename cannot move it)");
      assertThat(raft).isDirectory();
    } finally {
      Files.deleteIfExists(other.resolve("raft"));
      Files.delete(other);
    }
  }
}
