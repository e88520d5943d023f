package io.consulwatchdog;

import java.net.Socket;
import java.net.URL;
import java.time.Clock;
import java.time.Instant;
import org.assertj.core.api.Assertions;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The package graph keeps one direction: each feature package depends only on the packages below it, there
 * are no cycles, and the pure layers (diagnose, decide, plan) do no I/O and read no clock.
 */
class ArchitectureTest {
  /** The feature packages, bottom to top: a package may import only packages to its left. */
  static final List<String> LAYERS = List.of("json", "config", "consul", "observe", "diagnose", "decide", "plan",
      "execute", "metrics", "recover", "coordinate", "daemon", "lab", "demo", "cli");
  private static final List<String> PURE = List.of("diagnose", "decide", "plan");
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.consulwatchdog");

  private static String pkg(String layer) {
    return "io.consulwatchdog." + layer + "..";
  }

  @Test
  void everyMainPackageIsALayer() {
    List<String> unknown = MAIN.stream().map(c -> c.getPackageName())
        .map(p -> p.equals("io.consulwatchdog") ? "" : p.substring("io.consulwatchdog.".length()).split("\\.")[0])
        .distinct().filter(p -> !LAYERS.contains(p)).toList();
    Assertions.assertThat(unknown).as("packages missing from LAYERS").isEmpty();
  }

  @Test
  void noCyclesBetweenFeaturePackages() {
    slices().matching("io.consulwatchdog.(*)..").should().beFreeOfCycles().check(MAIN);
  }

  static List<String> layers() {
    return LAYERS;
  }

  @ParameterizedTest(name = "{0} imports only the packages below it")
  @MethodSource("layers")
  void dependenciesPointDown(String layer) {
    List<String> above = LAYERS.subList(LAYERS.indexOf(layer) + 1, LAYERS.size());
    if (above.isEmpty()) {
      return;
    }
    ArchRule rule = noClasses().that().resideInAPackage(pkg(layer))
        .should().dependOnClassesThat().resideInAnyPackage(above.stream().map(ArchitectureTest::pkg)
            .toArray(String[]::new))
        .because(layer + " sits below " + String.join(", ", above));
    rule.check(MAIN);
  }

  @Test
  void pureLayersDoNoIo() {
    String[] pure = PURE.stream().map(ArchitectureTest::pkg).toArray(String[]::new);
    noClasses().that().resideInAnyPackage(pure)
        .should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio.file..", "java.nio.channels..",
            "java.net.http..", "okhttp3..", "org.slf4j..", "org.apache.sshd..", "org.freedesktop..")
        .orShould().dependOnClassesThat().belongToAnyOf(Socket.class, URL.class, Thread.class,
            ProcessBuilder.class, Runtime.class)
        .because("diagnosis, decision and planning are pure functions of their arguments")
        .check(MAIN);
  }

  @Test
  void pureLayersReadNoClock() {
    String[] pure = PURE.stream().map(ArchitectureTest::pkg).toArray(String[]::new);
    noClasses().that().resideInAnyPackage(pure)
        .should().dependOnClassesThat().belongToAnyOf(Clock.class)
        .orShould().callMethod(Instant.class, "now")
        .orShould().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .because("the time comes in as a parameter (the clock is injected)")
        .check(MAIN);
  }

  @Test
  void theLayerListNamesEachPackageOnce() {
    Assertions.assertThat(Arrays.asList(LAYERS.toArray())).doesNotHaveDuplicates();
  }
}
