package dev.pasarela.notifications;

import dev.pasarela.api.ProblemException;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.springframework.stereotype.Component;

/**
 * Durable one-off timers on Quartz's clustered JDBC job store (tables in schema.sql, on the
 * gateway's database): a reminder's send time, the end of quiet hours for a held notification.
 * A timer survives restarts and {@code kill -9} (it is a row), fires on one instance only when
 * several share the database (Quartz's cluster lock), and one missed while no instance ran fires
 * at the next start (misfire: fire now) for its owner to decide whether it is too late.
 *
 * <p>Quartz's API rather than camel-quartz endpoints: a camel-quartz endpoint is one schedule
 * per route, which suits fixed jobs, not thousands of one-off times created through the API.
 */
@Component
public class Scheduling {

    public static final String REMINDER = "reminder";
    public static final String NOTIFICATION = "notification";
    static final String GROUP = "pasarela";

    private final Scheduler scheduler;

    public Scheduling(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    static JobKey key(String kind, String tenantId, String id) {
        return JobKey.jobKey(kind + ":" + tenantId + ":" + id, GROUP);
    }

    /** Fires {@link DueJob} for (kind, tenant, id) at {@code at}; replaces an earlier timer for the same. */
    public void schedule(String kind, String tenantId, String id, Instant at) {
        JobKey key = key(kind, tenantId, id);
        JobDetail job = JobBuilder.newJob(DueJob.class).withIdentity(key)
                .usingJobData(DueJob.KIND, kind).usingJobData(DueJob.TENANT, tenantId).usingJobData(DueJob.ID, id)
                .requestRecovery(true) // an instance that dies mid-job: another runs it again
                .build();
        // a trigger of its own per time: the one firing now may still be completing when a retry
        // or a reschedule replaces the job
        Trigger trigger = TriggerBuilder.newTrigger().withIdentity(key.getName() + "@" + at.toEpochMilli(), GROUP)
                .forJob(job)
                .startAt(Date.from(at))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build();
        try {
            scheduler.deleteJob(key); // with its triggers: a reschedule leaves no older time behind
            scheduler.scheduleJob(job, Set.of(trigger), true);
        } catch (SchedulerException e) {
            throw unavailable(e);
        }
    }

    public void cancel(String kind, String tenantId, String id) {
        try {
            scheduler.deleteJob(key(kind, tenantId, id));
        } catch (SchedulerException e) {
            throw unavailable(e);
        }
    }

    /** When the timer will fire, if there is one. */
    public java.util.Optional<Instant> nextFire(String kind, String tenantId, String id) {
        try {
            return scheduler.getTriggersOfJob(key(kind, tenantId, id)).stream().map(Trigger::getNextFireTime)
                    .filter(java.util.Objects::nonNull).map(Date::toInstant).findFirst();
        } catch (SchedulerException e) {
            throw unavailable(e);
        }
    }

    /** Runs a timer now, as if its time had come. */
    public void fireNow(String kind, String tenantId, String id) {
        try {
            scheduler.triggerJob(key(kind, tenantId, id));
        } catch (SchedulerException e) {
            throw unavailable(e);
        }
    }

    private static ProblemException unavailable(SchedulerException e) {
        org.slf4j.LoggerFactory.getLogger(Scheduling.class).error("Scheduler unavailable: {}", e.toString());
        return new ProblemException(503, "temporarily-unavailable", "Temporarily unavailable",
                "The scheduler could not record the time; retry later.");
    }
}
