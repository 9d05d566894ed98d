package io.dualrepo.spring.hibernate;

import io.dualrepo.hibernate.record.DatabaseMigrationRecord;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.spring.DualRepoAutoConfiguration;
import io.dualrepo.spring.DualRepoProperties;
import io.dualrepo.spring.DualRepoProperties.MigrationRecordSettings;
import jakarta.persistence.EntityManagerFactory;
import org.hibernate.SessionFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * A {@link DatabaseMigrationRecord} in the application's database, over the {@link SessionFactory} of its one
 * {@link EntityManagerFactory} (or its primary one), unless the application defines a {@link MigrationRecord} of its
 * own. Before the
 * {@code DualRepo} is built, which takes it: without it the runtime keeps an in-memory record that only this process
 * sees, so that one instance's evidence and route changes would never reach another, nor survive a restart.
 */
@AutoConfiguration(before = DualRepoAutoConfiguration.class,
        afterName = "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration")
@ConditionalOnClass({DatabaseMigrationRecord.class, EntityManagerFactory.class, SessionFactory.class})
@ConditionalOnBooleanProperty(name = "dualrepo.enabled", matchIfMissing = true)
@EnableConfigurationProperties(DualRepoProperties.class)
public class DualRepoHibernateAutoConfiguration {

    /** The bean name of the record built from {@code dualrepo.migration-record.*}. */
    public static final String MIGRATION_RECORD_BEAN = "dualRepoMigrationRecord";

    @Bean(MIGRATION_RECORD_BEAN)
    @ConditionalOnBooleanProperty(name = "dualrepo.migration-record.enabled", matchIfMissing = true)
    @ConditionalOnSingleCandidate(EntityManagerFactory.class)
    @ConditionalOnMissingBean(MigrationRecord.class)
    public DatabaseMigrationRecord dualRepoMigrationRecord(EntityManagerFactory entityManagerFactory,
            DualRepoProperties properties) {
        MigrationRecordSettings settings = properties.getMigrationRecord();
        DatabaseMigrationRecord.Builder builder =
                DatabaseMigrationRecord.builder(entityManagerFactory.unwrap(SessionFactory.class));
        Settings.apply("dualrepo.migration-record.table", () -> builder.table(settings.getTable()));
        Settings.apply("dualrepo.migration-record.settle-time", () -> builder.settleTime(settings.getSettleTime()));
        if (properties.getSchema().isCreateTables()) {
            return builder.build();
        }
        try {
            return builder.createTables(false).build();
        } catch (IllegalStateException e) {
            // The library names what is missing and the scripts; the application knows it by its property.
            throw new IllegalStateException("dualrepo.schema.create-tables=false: " + e.getMessage(), e);
        }
    }
}
