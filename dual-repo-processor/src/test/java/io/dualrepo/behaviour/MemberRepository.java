package io.dualrepo.behaviour;

import io.dualrepo.DualModel;
import io.dualrepo.ReadThrough;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Stitched list reads through a real generated decorator, DualMemberRepository. */
@DualModel("members")
public interface MemberRepository {

    /** By key, migrating on read. */
    @ReadThrough(copyWith = "save", removeWith = "deleteById")
    Optional<Member> findById(String id);

    /** No promised order: NEW's elements, then OLD's. */
    @ReadThrough(stitch = true)
    List<Member> findByTeam(String team);

    @ReadThrough(stitch = true, order = Member.ByName.class)
    List<Member> findByTeamOrderByName(String team);

    /** OLD marks the rows it no longer answers for. */
    @ReadThrough(stitch = true, migratedWhen = "migrated")
    Set<Member> listByTeam(String team);

    /** Elements whose identity only the runtime can judge. */
    @ReadThrough(stitch = true)
    List<Object> findLabels(String team);

    void save(Member member);

    void deleteById(String id);
}
