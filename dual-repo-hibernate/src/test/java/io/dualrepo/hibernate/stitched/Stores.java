package io.dualrepo.hibernate.stitched;

import io.dualrepo.hibernate.HibernateRepository;
import java.util.List;
import org.hibernate.SessionFactory;

/** The two stores' repositories: each in a database of its own, with the queries a Spring Data method would run. */
final class Stores {

    private Stores() {}

    static final class Old extends HibernateRepository implements MemberDirectory {

        Old(SessionFactory sessionFactory) {
            super(sessionFactory);
        }

        @Override
        public List<Member> findByTeamOrderByName(String team) {
            return read(session -> session.createSelectionQuery(
                            "from OldMemberRow where team = :team order by name", OldMemberRow.class)
                    .setParameter("team", team).getResultList().stream().map(OldMemberRow::toMember).toList());
        }

        @Override
        public List<Member> findByTeam(String team) {
            return read(session -> session.createSelectionQuery(
                            "from OldMemberRow where team = :team order by number", OldMemberRow.class)
                    .setParameter("team", team).getResultList().stream().map(OldMemberRow::toMember).toList());
        }

        @Override
        public void save(Member member) {
            write(session -> {
                OldMemberRow row = session.find(OldMemberRow.class, member.number());
                if (row == null) {
                    session.persist(new OldMemberRow(member));
                } else {
                    row.copy(member);
                }
            });
        }

        @Override
        public void deleteByNumber(long number) {
            write(session -> session.createMutationQuery("delete from OldMemberRow where number = :number")
                    .setParameter("number", number).executeUpdate());
        }

        /** The migration's last step, once the row is committed in the new store. */
        void markMigrated(long number) {
            write(session -> session.createMutationQuery(
                            "update OldMemberRow set migrated = true where number = :number")
                    .setParameter("number", number).executeUpdate());
        }
    }

    static final class New extends HibernateRepository implements MemberDirectory {

        New(SessionFactory sessionFactory) {
            super(sessionFactory);
        }

        @Override
        public List<Member> findByTeamOrderByName(String team) {
            return read(session -> session.createSelectionQuery(
                            "from NewMemberRow where team = :team order by name", NewMemberRow.class)
                    .setParameter("team", team).getResultList().stream().map(NewMemberRow::toMember).toList());
        }

        @Override
        public List<Member> findByTeam(String team) {
            return read(session -> session.createSelectionQuery(
                            "from NewMemberRow where team = :team order by number", NewMemberRow.class)
                    .setParameter("team", team).getResultList().stream().map(NewMemberRow::toMember).toList());
        }

        @Override
        public void save(Member member) {
            write(session -> {
                NewMemberRow row = session.find(NewMemberRow.class, member.number());
                if (row == null) {
                    session.persist(new NewMemberRow(member));
                } else {
                    row.copy(member);
                }
            });
        }

        @Override
        public void deleteByNumber(long number) {
            write(session -> session.createMutationQuery("delete from NewMemberRow where number = :number")
                    .setParameter("number", number).executeUpdate());
        }
    }
}
