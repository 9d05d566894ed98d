package io.dualrepo.hibernate.stitched;

import io.dualrepo.Compare;
import io.dualrepo.DualModel;
import io.dualrepo.ReadThrough;
import java.util.List;

@DualModel("stitched-members")
public interface MemberDirectory {

    @ReadThrough(stitch = true, order = Member.ByName.class, migratedWhen = "migrated")
    @Compare(ignoreFields = "migrated")
    List<Member> findByTeamOrderByName(String team);

    /** Without a marker or an order: NEW's rows by number, then OLD's. */
    @ReadThrough(stitch = true)
    @Compare(ignoreFields = "migrated")
    List<Member> findByTeam(String team);

    void save(Member member);

    void deleteByNumber(long number);
}
