package io.dualrepo.spring.data.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.spring.NewModel;
import io.dualrepo.spring.OldModel;
import io.dualrepo.spring.jpa.app.AccountDatabase;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Two Spring Data repositories as the models of one {@code @DualModel} interface, with no adapter class: writes
 * through the decorator reach both tables in each model's shape, and each model reads them back as the interface's
 * type.
 */
@SpringBootTest(classes = MemberApplication.class, properties = {
        "dualrepo.repositories.members.stage=DUAL_WRITE", "dualrepo.write-scope=same-database"})
class SpringDataModelTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        AccountDatabase.register(registry);
    }

    @Autowired
    MemberRepository members;

    @Autowired
    @OldModel
    MemberRepository oldModel;

    @Autowired
    @NewModel
    MemberRepository newModel;

    @Autowired
    MemberApplication application;

    @Autowired
    JdbcTemplate jdbc;

    @BeforeEach
    void teams() {
        jdbc.update("delete from members");
        jdbc.update("delete from legacy_members");
        jdbc.update("delete from teams");
        jdbc.update("insert into teams (id, name) values (1, 'red'), (2, 'blue')");
        application.newMappingInTransaction.clear();
    }

    @Test
    void aWriteThroughTheDecoratorReachesBothTablesEachInItsModelsShape() {
        members.save(new Member("m-1", "Ada", "red"));

        assertThat(jdbc.queryForObject("select label || ' ' || team_name from legacy_members where id = 'm-1'",
                String.class)).isEqualTo("Ada@red red");
        assertThat(jdbc.queryForObject("select name || ' ' || team_id from members where id = 'm-1'",
                String.class)).isEqualTo("Ada 1");
    }

    @Test
    void eachModelReadsTheRowsBackAsTheInterfacesType() {
        members.saveAll(List.of(new Member("m-2", "Grace", "blue"), new Member("m-1", "Ada", "red"),
                new Member("m-3", "Edsger", "blue")));

        for (MemberRepository model : List.of(oldModel, newModel)) {
            assertThat(model.findById("m-1")).contains(new Member("m-1", "Ada", "red"));
            assertThat(model.findById("m-9")).isEmpty();
            assertThat(model.findByTeam("blue")).containsExactly(new Member("m-2", "Grace", "blue"),
                    new Member("m-3", "Edsger", "blue"));
            assertThat(model.existsById("m-3")).isTrue();
            assertThat(model.existsById("m-9")).isFalse();
            assertThat(model.count()).isEqualTo(3);
        }
    }

    @Test
    void aDeleteThroughTheDecoratorRemovesTheRowFromBothTables() {
        members.save(new Member("m-1", "Ada", "red"));
        members.save(new Member("m-2", "Grace", "red"));

        members.deleteById("m-1");

        assertThat(jdbc.queryForList("select id from legacy_members", String.class)).containsExactly("m-2");
        assertThat(jdbc.queryForList("select id from members", String.class)).containsExactly("m-2");
    }

    @Test
    void theNewModelsMappingRunsInsideTheTransactionTheModelJoinsOrBegins() {
        members.save(new Member("m-1", "Ada", "red"));
        newModel.findById("m-1");
        newModel.findByTeam("red");

        assertThat(application.newMappingInTransaction).hasSizeGreaterThanOrEqualTo(3).containsOnly(true);
    }

    @Test
    void whatTheRepositoryOrTheMappingThrowsReachesTheCallerAsItIs() {
        assertThatThrownBy(() -> newModel.save(new Member("m-1", "Ada", "green")))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("no team green");
        assertThat(newModel.findById("m-1")).isEmpty();
    }
}
