package io.consulwatchdog.daemon;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ConcurrentHashMap;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each cluster's tick on its own Quartz schedule; ticks of one cluster never overlap, and a tick
 * that overruns (a recovery) makes the missed ones be skipped, not queued.
 */
public final class PollScheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PollScheduler.class);
  private static final String TICKS = "ticks";
  /** Quartz keeps schedulers in a JVM-wide repository by name: each instance needs its own. */
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final Scheduler scheduler;
  private final int threads;

  /** Threads beyond one per cluster, for clusters a reload adds. */
  static final int SPARE_THREADS = 4;

  /** Creates a scheduler with one thread per cluster, and a few spare ones for clusters added by a reload. */
  public PollScheduler(int clusters) throws SchedulerException {
    Properties p = new Properties();
    p.setProperty("org.quartz.scheduler.instanceName", "consul-watchdog-" + INSTANCES.incrementAndGet());
    p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
    threads = clusters + SPARE_THREADS;
    p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(threads));
    p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
    p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    p.setProperty("org.quartz.jobStore.misfireThreshold", "1000");
    scheduler = new StdSchedulerFactory(p).getScheduler();
    scheduler.getContext().put(TICKS, new ConcurrentHashMap<String, Runnable>());
  }

  /** Schedules a cluster's tick every interval, starting now. */
  @SuppressWarnings("unchecked")
  public void schedule(String cluster, Duration interval, Runnable tick) throws SchedulerException {
    ((Map<String, Runnable>) scheduler.getContext().get(TICKS)).put(cluster, tick);
    scheduler.scheduleJob(
        JobBuilder.newJob(TickJob.class).withIdentity(cluster, "clusters").usingJobData("cluster", cluster).build(),
        trigger(cluster, interval));
  }

  /** Stops scheduling a cluster's tick; a tick under way is not interrupted. */
  @SuppressWarnings("unchecked")
  public void unschedule(String cluster) throws SchedulerException {
    scheduler.deleteJob(JobKey.jobKey(cluster, "clusters"));
    ((Map<String, Runnable>) scheduler.getContext().get(TICKS)).remove(cluster);
  }

  /** Runs a cluster's tick at a new interval from now on; its ticks still never overlap. */
  public void reschedule(String cluster, Duration interval) throws SchedulerException {
    scheduler.rescheduleJob(TriggerKey.triggerKey(cluster, "clusters"), trigger(cluster, interval));
  }

  /** Fires the cluster's job every interval from now; a missed fire is skipped, not queued. */
  private static Trigger trigger(String cluster, Duration interval) {
    return TriggerBuilder.newTrigger().withIdentity(cluster, "clusters").forJob(cluster, "clusters").startNow()
        .withSchedule(SimpleScheduleBuilder.simpleSchedule()
            .withIntervalInMilliseconds(interval.toMillis()).repeatForever()
            .withMisfireHandlingInstructionNextWithRemainingCount())
        .build();
  }

  /** How many ticks can run at once. */
  public int threads() {
    return threads;
  }

  /** Starts firing. */
  public void start() throws SchedulerException {
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
        Map<String, Runnable> ticks = (Map<String, Runnable>) context.getScheduler().getContext().get(TICKS);
        Runnable tick = ticks.get(cluster);
        if (tick != null) { // null: unscheduled by a reload after this fire was due
          tick.run();
        }
      } catch (RuntimeException | SchedulerException e) {
        log.error("Tick of cluster {} failed: {}", cluster, e.toString(), e);
      }
    }
  }
}
