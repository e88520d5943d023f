package io.consulwatchdog.daemon;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGHUP (systemctl reload: ExecReload=/bin/kill -HUP $MAINPID) runs a reload instead of ending the JVM (whose
 * default for SIGHUP is to exit with 129). The JDK has no supported API for signals; sun.misc.Signal (module
 * jdk.unsupported, kept on purpose for such uses by JEP 260) is the only way short of native code. The reload
 * runs on a thread of its own, never on the signal dispatcher; signals that come while one runs make one more
 * reload afterwards, not one each.
 */
public final class ReloadSignal {
  private static final Logger log = LoggerFactory.getLogger(ReloadSignal.class);

  private ReloadSignal() {}

  /** From now on SIGHUP runs the reload. */
  public static void install(Runnable reload) {
    ExecutorService worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(1), r -> {
      Thread t = new Thread(r, "reload");
      t.setDaemon(true);
      return t;
    }, new ThreadPoolExecutor.DiscardPolicy()); // one reload running, at most one waiting: further HUPs fold into it
    Signal.handle(new Signal("HUP"), signal -> {
      log.info("SIGHUP: reloading the config");
      worker.execute(reload);
    });
  }
}
