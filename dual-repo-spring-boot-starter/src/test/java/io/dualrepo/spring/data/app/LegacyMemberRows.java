package io.dualrepo.spring.data.app;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

/** The old model's Spring Data repository, as the application had it. */
public interface LegacyMemberRows extends JpaRepository<LegacyMemberRow, String> {

    List<LegacyMemberRow> findByTeamNameOrderById(String teamName);
}
