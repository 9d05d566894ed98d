package io.dualrepo.spring.data.app;

import io.dualrepo.DualModel;
import io.dualrepo.RoutingKey;
import java.util.List;
import java.util.Optional;

/** The application's repository; both of its models are Spring Data repositories adapted by SpringDataModel. */
@DualModel("members")
public interface MemberRepository {

    Optional<Member> findById(String id);

    List<Member> findByTeam(@RoutingKey String team);

    boolean existsById(String id);

    long count();

    void save(Member member);

    void saveAll(List<Member> members);

    void deleteById(String id);
}
