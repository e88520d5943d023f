package io.consulwatchdog.daemon;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Properties;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.TriggerBuilder;
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

  private final Scheduler scheduler;

  /** Creates a scheduler with one thread per cluster. */
  public PollScheduler(int clusters) throws SchedulerException {
    Properties p = new Properties();
    p.setProperty("org.quartz.scheduler.instanceName", "consul-watchdog");
    p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
    p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(Math.max(1, clusters)));
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

  /** Schedules a cluster's tick every interval, starting now. */
  @SuppressWarnings("unchecked")
  public void schedule(String cluster, Duration interval, ScheduledTick tick) throws SchedulerException {
    ((Map<String, ScheduledTick>) scheduler.getContext().get(TICKS)).put(cluster, tick);
    scheduler.scheduleJob(
        JobBuilder.newJob(TickJob.class).withIdentity(cluster, "clusters").usingJobData("cluster", cluster).build(),
        TriggerBuilder.newTrigger().withIdentity(cluster, "clusters").startNow()
            .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                .withIntervalInMilliseconds(interval.toMillis()).repeatForever()
                .withMisfireHandlingInstructionNextWithRemainingCount())
            .build());
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
        Map<String, ScheduledTick> ticks = (Map<String, ScheduledTick>) context.getScheduler().getContext().get(TICKS);
        ticks.get(cluster).run(context.getScheduledFireTime().toInstant());
      } catch (RuntimeException | SchedulerException e) {
        log.error("Tick of cluster {} failed: {}", cluster, e.toString(), e);
      }
    }
  }
}
