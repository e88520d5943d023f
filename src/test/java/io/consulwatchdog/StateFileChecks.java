package io.consulwatchdog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/** Checks shared by the tests of the stores that write a state file (topology.json, state.json). */
public final class StateFileChecks {
  private StateFileChecks() {}

  /**
   * Plants a symbolic link to another file at {@code <target>.tmp} (the fixed temporary name of old
   * writers), runs the write, and checks that the linked file is untouched and the target is not a link.
   */
  public static void assertALinkAtTheOldTemporaryNameIsIgnored(Path target, Callable<?> write) throws Exception {
    Path victim = Files.createTempFile(target.getParent().getParent(), "victim", "");
    Files.writeString(victim, "untouched");
    Files.createDirectories(target.getParent());
    Files.createSymbolicLink(target.resolveSibling(target.getFileName() + ".tmp"), victim);

    write.call();

    assertThat(victim).hasContent("untouched");
    assertThat(Files.isSymbolicLink(target)).as("%s is a link", target).isFalse();
  }

  /**
   * Runs two writers at once, each 200 times (given the round), checks that neither failed, and that no
   * temporary file is left next to the target.
   */
  public static void assertTwoWritersAtOnceDoNotCollide(Path target, IntConsumer first, IntConsumer second)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> writers = List.of(first, second).stream().<Future<?>>map(writer -> pool.submit(() -> {
        for (int i = 0; i < 200; i++) {
          writer.accept(i);
        }
      })).toList();
      for (Future<?> writer : writers) {
        writer.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    try (var files = Files.list(target.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly(target.getFileName().toString());
    }
  }
}
