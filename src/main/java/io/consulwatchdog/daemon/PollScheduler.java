package io.consulwatchdog.daemon;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each cluster's tick on its own Quartz schedule; ticks of one cluster never overlap, and a tick
 * that overruns (a recovery) makes the missed ones be skipped, not queued. The clusters' schedules are
 * staggered, so that many clusters never send all their requests at the same instant.
 */
public final class PollScheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PollScheduler.class);
  private static final String TICKS = "ticks";
  /** Quartz keeps schedulers in a JVM-wide repository by name: each instance needs its own. */
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  /**
   * Consecutive clusters' first ticks are at most this far apart: a poll of healthy agents takes a few
   * milliseconds, so this spreads the load of many clusters without delaying the first poll of a few.
   */
  static final Duration MAX_STAGGER = Duration.ofMillis(50);

  private final Scheduler scheduler;
  private final int clusters;
  private int scheduled;
  private boolean started;
  private Instant origin; // when the first cluster's first tick is due; the others are offset from it
  private final int threads;

  /** Threads beyond one per cluster, for clusters a reload adds. */
  static final int SPARE_THREADS = 4;

  /** Creates a scheduler with one thread per cluster, and a few spare ones for clusters added by a reload. */
  public PollScheduler(int clusters) throws SchedulerException {
    this.clusters = clusters;
    Properties p = new Properties();
    p.setProperty("org.quartz.scheduler.instanceName", "consul-watchdog-" + INSTANCES.incrementAndGet());
    p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
    threads = clusters + SPARE_THREADS;
    p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(threads));
    p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
    p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    p.setProperty("org.quartz.jobStore.misfireThreshold", "1000");
    scheduler = new StdSchedulerFactory(p).getScheduler();
    scheduler.getContext().put(TICKS, new ConcurrentHashMap<String, ScheduledTick>());
  }

  /** A cluster's tick; told when the schedule wanted it to start, so that lateness can be measured. */
  @FunctionalInterface
  public interface ScheduledTick {
    /** Runs the tick that was scheduled for the given instant. */
    void run(Instant scheduledAt);
  }

  /**
   * Schedules a cluster's tick every interval: the first cluster scheduled first ticks now, the n-th
   * {@link #offset(int, int, Duration)} later. Returns when its first tick is due.
   */
  @SuppressWarnings("unchecked")
  public synchronized Instant schedule(String cluster, Duration interval, ScheduledTick tick)
      throws SchedulerException {
    ((Map<String, ScheduledTick>) scheduler.getContext().get(TICKS)).put(cluster, tick);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS); // Quartz keeps milliseconds
    if (origin == null) {
      origin = now;
    }
    Instant staggered = origin.plus(offset(scheduled++, clusters, interval));
    // Before start, a first tick a little in the past still fires at start (Quartz's misfire threshold
    // is a second), at its staggered time; after start, a cluster added by a reload ticks at once.
    Instant first = started && staggered.isBefore(now) ? now : staggered;
    scheduler.scheduleJob(
        JobBuilder.newJob(TickJob.class).withIdentity(cluster, "clusters").usingJobData("cluster", cluster).build(),
        startingAt(TriggerBuilder.newTrigger(), first, interval).withIdentity(cluster, "clusters").build());
    return first;
  }

  /**
   * When the index-th of n clusters first ticks, after the first one: the interval split evenly among the
   * clusters, at most {@link #MAX_STAGGER} between two of them.
   */
  static Duration offset(int index, int clusters, Duration interval) {
    Duration step = interval.dividedBy(Math.max(1, clusters));
    return (step.compareTo(MAX_STAGGER) > 0 ? MAX_STAGGER : step).multipliedBy(index);
  }

  /** Stops scheduling a cluster's tick; a tick under way is not interrupted. */
  @SuppressWarnings("unchecked")
  public synchronized void unschedule(String cluster) throws SchedulerException {
    scheduler.deleteJob(JobKey.jobKey(cluster, "clusters"));
    ((Map<String, ScheduledTick>) scheduler.getContext().get(TICKS)).remove(cluster);
  }

  /** Runs a cluster's tick at a new interval from now on; its ticks still never overlap. */
  public synchronized void reschedule(String cluster, Duration interval) throws SchedulerException {
    scheduler.rescheduleJob(TriggerKey.triggerKey(cluster, "clusters"),
        startingAt(TriggerBuilder.newTrigger(), Instant.now(), interval)
            .withIdentity(cluster, "clusters").forJob(cluster, "clusters").build());
  }

  /** Fires every interval from the given instant; a missed fire is skipped, not queued. */
  private static TriggerBuilder<SimpleTrigger> startingAt(
      TriggerBuilder<Trigger> builder, Instant first, Duration interval) {
    return builder.startAt(Date.from(first))
        .withSchedule(SimpleScheduleBuilder.simpleSchedule()
            .withIntervalInMilliseconds(interval.toMillis()).repeatForever()
            .withMisfireHandlingInstructionNextWithRemainingCount());
  }

  /** How many ticks can run at once. */
  public int threads() {
    return threads;
  }

  /** Starts firing. */
  public synchronized void start() throws SchedulerException {
    started = true;
    scheduler.start();
  }

  @Override
  public void close() {
    try {
      scheduler.shutdown(true);
    } catch (SchedulerException e) {
      log.warn("Scheduler did not shut down cleanly: {}", e.getMessage());
    }
  }

  /** The Quartz job: looks up the cluster's tick and runs it, logging (never propagating) failures. */
  @DisallowConcurrentExecution
  public static final class TickJob implements Job {
    @Override
    @SuppressWarnings("unchecked")
    public void execute(JobExecutionContext context) {
      String cluster = context.getMergedJobDataMap().getString("cluster");
      try {
        Map<String, ScheduledTick> ticks = (Map<String, ScheduledTick>) context.getScheduler().getContext().get(TICKS);
        ScheduledTick tick = ticks.get(cluster);
        if (tick != null) { // null: unscheduled by a reload after this fire was due
          tick.run(context.getScheduledFireTime().toInstant());
        }
      } catch (RuntimeException | SchedulerException e) {
        log.error("Tick of cluster {} failed: {}", cluster, e.toString(), e);
      }
    }
  }
}
