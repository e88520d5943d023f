package io.consulwatchdog.daemon;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed pool of threads whose every task has a deadline: a task still running at its deadline has its
 * thread interrupted. The HTTP server's exchanges read and write their socket channel in blocking mode, and
 * an interrupted channel operation closes the channel (java.nio InterruptibleChannel), so a client that sends
 * its request or reads its answer too slowly is cut off and gives its thread back.
 */
final class DeadlineExecutor implements Executor, AutoCloseable {
  private final ExecutorService pool;
  private final ScheduledExecutorService timer;
  private final Duration deadline;

  /** threads named name-N, each task cut off after deadline. */
  DeadlineExecutor(String name, int threads, Duration deadline) {
    AtomicInteger count = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(threads, r -> daemonThread(r, name + "-" + count.incrementAndGet()));
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemonThread(r, name + "-deadlines"));
    this.deadline = deadline;
  }

  private static Thread daemonThread(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void execute(Runnable task) {
    pool.execute(new Bounded(task));
  }

  @Override
  public void close() {
    pool.shutdownNow();
    timer.shutdownNow();
  }

  /** A task that interrupts its own thread at the deadline, and never leaves an interrupt to the next task. */
  private final class Bounded implements Runnable {
    private final Runnable task;
    private Thread runner;
    private boolean done;

    Bounded(Runnable task) {
      this.task = task;
    }

    @Override
    public void run() {
      synchronized (this) {
        runner = Thread.currentThread();
      }
      ScheduledFuture<?> cutOff = timer.schedule(this::interruptIfRunning, deadline.toMillis(), TimeUnit.MILLISECONDS);
      try {
        task.run();
      } finally {
        cutOff.cancel(false);
        synchronized (this) {
          done = true;
        }
        Thread.interrupted(); // an interrupt that came just before done=true must not hit the next task
      }
    }

    private synchronized void interruptIfRunning() {
      if (!done && runner != null) {
        runner.interrupt();
      }
    }
  }
}
