package io.dualrepo.spring.data.app;

import io.dualrepo.spring.NewModel;
import io.dualrepo.spring.OldModel;
import io.dualrepo.spring.data.SpringDataModel;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Both models of {@link MemberRepository} made from Spring Data repositories, with no adapter class. */
@SpringBootApplication
public class MemberApplication {

    /** Whether a transaction was active each time the new model's mapping ran, for the tests to read. */
    final List<Boolean> newMappingInTransaction = new CopyOnWriteArrayList<>();

    @Bean
    @OldModel
    MemberRepository legacyMembers(LegacyMemberRows rows) {
        return SpringDataModel.of(MemberRepository.class, rows)
                .mapped(Member.class, LegacyMemberRow::toMember, LegacyMemberRow::of)
                .method("findByTeam", "findByTeamNameOrderById")
                .build();
    }

    @Bean
    @NewModel
    MemberRepository members(MemberRows rows, EntityManager entityManager, PlatformTransactionManager transactions) {
        return SpringDataModel.of(MemberRepository.class, rows)
                .mapped(Member.class, row -> toMember(entityManager, row), member -> toRow(entityManager, member))
                .method("findByTeam", "findByTeamName")
                .transactions(transactions)
                .build();
    }

    private Member toMember(EntityManager entityManager, MemberRow row) {
        newMappingInTransaction.add(TransactionSynchronizationManager.isActualTransactionActive());
        return new Member(row.id, row.name, entityManager.find(TeamRow.class, row.teamId).name);
    }

    private MemberRow toRow(EntityManager entityManager, Member member) {
        newMappingInTransaction.add(TransactionSynchronizationManager.isActualTransactionActive());
        long teamId = entityManager.createQuery("select t.id from TeamRow t where t.name = :name", Long.class)
                .setParameter("name", member.team()).getResultStream().findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no team " + member.team()));
        return new MemberRow(member.id(), member.name(), teamId);
    }
}
