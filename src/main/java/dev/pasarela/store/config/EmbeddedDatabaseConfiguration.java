package dev.pasarela.store.config;

import com.zaxxer.hikari.HikariDataSource;
import dev.pasarela.store.embedded.GroupCommitDataSource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded database's commits written in groups: the datasource on an H2 file (the embedded
 * defaults, {@code spring.datasource.url}) is wrapped in a {@link GroupCommitDataSource}. The URL
 * opens the database with a write delay; the wrapper, not H2, makes each commit durable before
 * the committer goes on. Every user of the datasource goes through it: the document store, the
 * dedupe keys, Quartz's job store and the schema script.
 */
@Configuration(proxyBeanMethods = false)
public class EmbeddedDatabaseConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseConfiguration.class);

    @Bean
    static BeanPostProcessor groupCommitsOnTheEmbeddedDatabase() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof HikariDataSource hikari && isH2File(hikari.getJdbcUrl())) {
                    log.info("Embedded database: commits written in groups (each committer waits for its write)");
                    return new GroupCommitDataSource(hikari);
                }
                return bean;
            }
        };
    }

    /** An H2 database in a file of this process (not in memory, not a server's). */
    static boolean isH2File(String url) {
        if (url == null || !url.startsWith("jdbc:h2:")) {
            return false;
        }
        String rest = url.substring("jdbc:h2:".length());
        return !(rest.startsWith("mem:") || rest.startsWith("tcp:") || rest.startsWith("ssl:") || rest.startsWith("zip:"));
    }

    /**
     * {@code pasarela.store.commits} and {@code pasarela.store.flushes}: their ratio is how many commits
     * one file write served.
     */
    @Bean
    MeterBinder groupCommitMeters(ObjectProvider<DataSource> dataSource) {
        return registry -> {
            if (dataSource.getIfAvailable() instanceof GroupCommitDataSource grouped) {
                FunctionCounter.builder("pasarela.store.commits", grouped.groupFlush(), f -> f.callers())
                        .description("Commits and auto-committed writes of the embedded database").register(registry);
                FunctionCounter.builder("pasarela.store.flushes", grouped.groupFlush(), f -> f.flushes())
                        .description("Writes of the embedded database's file, each serving the commits before it")
                        .register(registry);
            }
        };
    }
}
