package io.dualrepo.sample.spring.model;

import io.dualrepo.hibernate.EntityModel;
import io.dualrepo.hibernate.KeyType;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.sample.spring.Incident;
import io.dualrepo.sample.spring.IncidentRepository;
import io.dualrepo.spring.NewModel;
import io.dualrepo.spring.OldModel;
import io.dualrepo.spring.data.SpringDataModel;
import jakarta.persistence.EntityManager;
import org.hibernate.SessionFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Glue: the two Spring Data repositories as the models of {@link IncidentRepository}, and the migration between
 * them for the starter's backfill and verifier. Each model holds a row when its own status column is set, hence the
 * derived queries' names; the new model's mapping looks statuses up, so it runs in the call's transaction.
 */
@Configuration(proxyBeanMethods = false)
class IncidentModels {

    @Bean
    @OldModel
    IncidentRepository legacyIncidents(LegacyIncidentRows rows) {
        return SpringDataModel.of(IncidentRepository.class, rows)
                .mapped(Incident.class, IncidentMapping::toIncident, IncidentMapping::toLegacyRow)
                .method("findById", "findByIdAndStatusIsNotNull")
                .method("findByOrganisation", "findByOrganisationIdAndStatusIsNotNullOrderById").build();
    }

    @Bean
    @NewModel
    IncidentRepository statusTableIncidents(StatusIncidentRows rows, EntityManager entityManager,
            PlatformTransactionManager transactions) {
        return SpringDataModel.of(IncidentRepository.class, rows).transactions(transactions)
                .mapped(Incident.class, row -> IncidentMapping.toIncident(entityManager, row),
                        incident -> IncidentMapping.toStatusRow(entityManager, incident))
                .method("findById", "findByIdAndStatusIdIsNotNull")
                .method("findByOrganisation", "findByOrganisationIdAndStatusIdIsNotNullOrderById").build();
    }

    /** The two models as the starter's backfill and verifier see them: both entities map the one table. */
    @Bean
    Migration<String, Incident> incidentMigration(SessionFactory database) {
        return Migration.of("incidents", KeyType.STRING,
                EntityModel.of(database, LegacyIncidentRow.class, String.class).sameTableAs(StatusIncidentRow.class)
                        .mapped(Incident::id, IncidentMapping::toIncident, IncidentMapping::toLegacyRow),
                EntityModel.of(database, StatusIncidentRow.class, String.class).sameTableAs(LegacyIncidentRow.class)
                        .mappedWithSession(Incident::id, IncidentMapping::toIncident, IncidentMapping::toStatusRow));
    }
}
