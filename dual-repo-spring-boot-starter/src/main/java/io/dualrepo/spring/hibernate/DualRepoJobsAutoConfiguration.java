package io.dualrepo.spring.hibernate;

import io.dualrepo.DualRepo;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.backfill.Backfill;
import io.dualrepo.spring.DualRepoAutoConfiguration;
import io.dualrepo.spring.DualRepoProperties;
import io.dualrepo.spring.jobs.MigrationJobs;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The backfill and the verification of every {@link Migration} bean, as {@link MigrationJobs} keyed by the
 * migration's name, which the {@code dualrepo} endpoint starts for the decorated repository of that name. Each hands
 * its evidence to the {@link DualRepo}'s own migration record, whichever that is, so that the stage changes are
 * judged by the record the jobs wrote.
 */
@AutoConfiguration(after = DualRepoAutoConfiguration.class)
@ConditionalOnClass({Migration.class, Backfill.class})
@ConditionalOnBean({DualRepo.class, Migration.class})
@EnableConfigurationProperties(DualRepoProperties.class)
public class DualRepoJobsAutoConfiguration {

    /** Closed with the context: running jobs are interrupted, and end their batch or segment first. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public MigrationJobs dualRepoMigrationJobs(DualRepo dualRepo, ObjectProvider<Migration<?, ?>> migrations,
            DualRepoProperties properties, ObjectProvider<MeterRegistry> meterRegistry) {
        Map<String, MigrationJobs.Runner> runners = new LinkedHashMap<>();
        migrations.orderedStream().forEach(migration -> {
            if (runners.containsKey(migration.name())) {
                throw new IllegalStateException("Two Migration beans are named '" + migration.name() + "': the"
                        + " dualrepo jobs run one backfill and one verification per repository; give each Migration"
                        + " the name of its @DualModel repository");
            }
            runners.put(migration.name(), HibernateJobs.of(migration, dualRepo.migrationRecord(), properties,
                    meterRegistry.getIfAvailable()));
        });
        return new MigrationJobs(dualRepo, runners);
    }
}
