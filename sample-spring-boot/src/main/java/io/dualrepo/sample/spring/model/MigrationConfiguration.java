package io.dualrepo.sample.spring.model;

import io.dualrepo.hibernate.EntityModel;
import io.dualrepo.hibernate.KeyType;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.sample.spring.Incident;
import jakarta.persistence.EntityManagerFactory;
import org.hibernate.SessionFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Glue: the models as the backfill and the verifier see them, which the starter runs through the Actuator endpoint
 * (it also builds the migration record in this database). Both entities map the one {@code incidents} table; each
 * model holds a row when its own column is set.
 */
@Configuration(proxyBeanMethods = false)
class MigrationConfiguration {

    @Bean
    Migration<String, Incident> incidentMigration(EntityManagerFactory entityManagerFactory) {
        SessionFactory database = entityManagerFactory.unwrap(SessionFactory.class);
        return Migration.of("incidents", KeyType.STRING,
                EntityModel.of(database, LegacyIncidentRow.class, String.class).sameTableAs(StatusIncidentRow.class)
                        .mapped(Incident::id, IncidentMapping::toIncident, IncidentMapping::toLegacyRow),
                EntityModel.of(database, StatusIncidentRow.class, String.class).sameTableAs(LegacyIncidentRow.class)
                        .mappedWithSession(Incident::id, IncidentMapping::toIncident, IncidentMapping::toStatusRow));
    }
}
