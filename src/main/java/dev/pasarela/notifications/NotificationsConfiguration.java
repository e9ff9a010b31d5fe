package dev.pasarela.notifications;

import java.sql.Connection;
import javax.sql.DataSource;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.springframework.boot.autoconfigure.quartz.QuartzProperties;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.boot.autoconfigure.quartz.SchedulerFactoryBeanCustomizer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
@EnableConfigurationProperties(NotificationTexts.class)
public class NotificationsConfiguration {

    /** Timers start firing once Camel and the broker are up, not before (see spring.quartz.auto-startup). */
    @Bean
    ApplicationListener<ApplicationReadyEvent> startTimers(Scheduler scheduler) {
        return ready -> {
            try {
                scheduler.start();
            } catch (SchedulerException e) {
                throw new IllegalStateException("The reminder scheduler did not start: " + e.getMessage(), e);
            }
        };
    }

    /**
     * Quartz reads its job data with the delegate of the database underneath: the standard one
     * on H2 (the embedded default), PostgreSQL's on PostgreSQL (scale-out), whose BYTEA the
     * standard delegate cannot read.
     */
    @Bean
    SchedulerFactoryBeanCustomizer quartzDelegate(DataSource dataSource, QuartzProperties quartz) {
        return factory -> {
            String product;
            try (Connection c = dataSource.getConnection()) {
                product = c.getMetaData().getDatabaseProductName();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("The database for reminders cannot be reached: " + e.getMessage(), e);
            }
            java.util.Properties p = new java.util.Properties(); // replaces Boot's: keep spring.quartz.properties
            p.putAll(quartz.getProperties());
            p.setProperty("org.quartz.jobStore.driverDelegateClass", product.toLowerCase().contains("postgres")
                    ? "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate" : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
            factory.setQuartzProperties(p);
        };
    }
}
