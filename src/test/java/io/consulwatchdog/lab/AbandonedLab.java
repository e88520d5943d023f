package io.consulwatchdog.lab;

/**
 * A child-JVM program for LabCleanupTest: starts a two-server lab, prints "pid N" per server, then
 * either exits without closing it ("exit": the shutdown hook must clean up) or waits to be killed
 * ("wait", at most 120 s: the servers become orphans for sweepOrphans()).
 */
public final class AbandonedLab {
  private AbandonedLab() {}

  /** Runs the program; args[0] is "exit" or "wait". */
  public static void main(String[] args) throws InterruptedException {
    TestLabCluster lab = TestLabCluster.start(LabOptions.defaults().withServers(2).withNamePrefix("lab-abandoned"));
    for (LabServer server : lab.servers()) {
      System.out.println("pid " + server.pid().orElseThrow());
    }
    System.out.println("dir " + lab.baseDir());
    System.out.flush();
    if ("wait".equals(args[0])) {
      Thread.sleep(120_000);
    }
    System.exit(0);
  }
}
