package dev.pasarela.notifications;

import java.time.Clock;
import java.time.Duration;
import org.quartz.Job;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A {@link Scheduling} timer's time has come: a reminder fires, or a held notification is
 * released. Both are idempotent (state moves once, in a store transaction), so a job run twice
 * (recovery after a crash) changes nothing. A failure (the store unreachable) schedules the
 * timer again a little later instead of losing it.
 */
public class DueJob implements Job {

    static final String KIND = "kind";
    static final String TENANT = "tenantId";
    static final String ID = "id";
    private static final Logger log = LoggerFactory.getLogger(DueJob.class);
    private static final Duration RETRY = Duration.ofSeconds(30);

    @Autowired
    Reminders reminders;
    @Autowired
    Notifications notifications;
    @Autowired
    Scheduling scheduling;
    @Autowired
    Clock clock;

    @Override
    public void execute(JobExecutionContext context) {
        JobDataMap data = context.getMergedJobDataMap();
        String kind = data.getString(KIND);
        String tenant = data.getString(TENANT);
        String id = data.getString(ID);
        try {
            switch (kind) {
                case Scheduling.REMINDER -> reminders.fire(tenant, id);
                case Scheduling.NOTIFICATION -> notifications.release(tenant, id);
                default -> log.error("Unknown timer kind {} for {}/{}", kind, tenant, id);
            }
        } catch (RuntimeException e) {
            log.warn("Timer {} of {}/{} failed ({}); trying again in {}", kind, tenant, id, e.toString(), RETRY);
            scheduling.schedule(kind, tenant, id, clock.instant().plus(RETRY));
        }
    }
}
