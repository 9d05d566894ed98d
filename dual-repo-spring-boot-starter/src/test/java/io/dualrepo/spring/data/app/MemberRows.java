package io.dualrepo.spring.data.app;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

/** The new model's Spring Data repository. */
public interface MemberRows extends JpaRepository<MemberRow, String> {

    @Query("select m from MemberRow m where m.teamId = (select t.id from TeamRow t where t.name = :team) order by m.id")
    List<MemberRow> findByTeamName(String team);
}
