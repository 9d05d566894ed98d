package io.dualrepo.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.dualrepo.processor.Compilations.generated;
import static io.dualrepo.processor.Compilations.source;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.testing.compile.Compilation;
import java.util.ArrayList;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Arguments both models may be called with: a parameter that can be consumed only once is refused, on the
 * parameter, with the exact message, and nothing is generated; a parameter declared {@code Iterable} is copied once
 * into a List that both models get.
 */
class SingleUseParametersTest {

    private static final JavaFileObject INCIDENT = source("test.Incident",
            "package test;",
            "public record Incident(String id, String status) {}");

    /** The source files the processor created. */
    private final List<String> generated = new ArrayList<>();

    private Compilation compile(JavaFileObject... sources) {
        return Compilations.compile(generated::add, sources);
    }

    private Compilation compileWithErrors(int errors, JavaFileObject... sources) {
        Compilation compilation = compile(sources);
        assertThat(compilation).failed();
        assertThat(compilation).hadErrorCount(errors);
        assertThat(generated).isEmpty();
        return compilation;
    }

    private static String refusal(String parameter, String method, String type, String elements) {
        return "parameter `" + parameter + "` of `" + method + "` is " + type + ", which can be consumed only once,"
                + " but both models may be called with it (dual writes, shadow comparison, read-through), and the"
                + " first would use it up: take a List" + elements + " instead, or an Iterable" + elements + ", which"
                + " the decorator copies once for both models";
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // declaration on line 5 | column of the parameter's name | method | parameter type | element type
        "void saveAll(Iterator<Incident> incidents);                | 37 | saveAll(Iterator<Incident>)"
                + "                | Iterator<Incident>               | <Incident>",
        "void saveAll(ListIterator<? extends Incident> incidents);  | 51 | saveAll(ListIterator<? extends Incident>)"
                + "  | ListIterator<? extends Incident> | <? extends Incident>",
        "void saveAll(Stream<Incident> incidents);                  | 35 | saveAll(Stream<Incident>)"
                + "                  | Stream<Incident>                 | <Incident>",
        "List<Incident> findAllById(Stream<String> ids);            | 47 | findAllById(Stream<String>)"
                + "                | Stream<String>                   | <String>",
        "long countByIds(IntStream ids);                            | 31 | countByIds(IntStream)"
                + "                      | IntStream                        | <Integer>",
        "long countByIds(LongStream ids);                           | 32 | countByIds(LongStream)"
                + "                     | LongStream                       | <Long>",
        "long countByAmounts(DoubleStream amounts);                 | 38 | countByAmounts(DoubleStream)"
                + "               | DoubleStream                     | <Double>",
        "void saveAll(Spliterator<Incident> incidents);             | 40 | saveAll(Spliterator<Incident>)"
                + "             | Spliterator<Incident>            | <Incident>",
        "void deleteByIds(Enumeration<String> ids);                 | 42 | deleteByIds(Enumeration<String>)"
                + "           | Enumeration<String>              | <String>",
        "void deleteByIds(Scanner ids);                             | 30 | deleteByIds(Scanner)"
                + "                       | Scanner                          | <String>",
        "void saveAll(DirectoryStream<Path> files);                 | 40 | saveAll(DirectoryStream<Path>)"
                + "             | DirectoryStream<Path>            | <Path>",
        "void saveAll(@SuppressWarnings(\"rawtypes\") Iterator incidents); | 57 | saveAll(Iterator)"
                + "                  | Iterator                         | ''",
        "<I extends Iterator<Incident>> void saveAll(I incidents);  | 51 | saveAll(I)"
                + "                                 | I                                | <Incident>",
    })
    void refusesAParameterThatCanBeConsumedOnlyOnce(
            String declaration, int column, String method, String type, String elements) {
        JavaFileObject repository = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "import java.nio.file.*; import java.util.*; import java.util.stream.*;",
                "@DualModel(\"incidents\") public interface IncidentRepository {",
                "    " + declaration,
                "}");

        Compilation compilation = compileWithErrors(1, INCIDENT, repository);

        String parameter = declaration.replaceAll(".* (\\w+)\\);$", "$1");
        assertThat(compilation)
                .hadErrorContaining(refusal(parameter, method, type, elements))
                .inFile(repository)
                .onLine(5)
                .atColumn(column);
    }

    @Test
    void refusesEverySingleUseParameterOfAMethod() {
        JavaFileObject repository = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "import java.util.Iterator;",
                "import java.util.stream.Stream;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository {",
                "    void saveAll(Iterator<Incident> incidents, String organisationId, Stream<Incident> more);",
                "}");

        Compilation compilation = compileWithErrors(2, INCIDENT, repository);

        String method = "saveAll(Iterator<Incident>, String, Stream<Incident>)";
        assertThat(compilation)
                .hadErrorContaining(refusal("incidents", method, "Iterator<Incident>", "<Incident>"))
                .inFile(repository)
                .onLine(7)
                .atColumn(37);
        assertThat(compilation)
                .hadErrorContaining(refusal("more", method, "Stream<Incident>", "<Incident>"))
                .inFile(repository)
                .onLine(7)
                .atColumn(88);
    }

    @Test
    void refusesASingleUseParameterOfAnInheritedMethodOnTheAnnotatedInterface() {
        JavaFileObject base = source("test.Base",
                "package test;",
                "public interface Base<C> {",
                "    void saveAll(C incidents);",
                "}");
        JavaFileObject repository = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository extends Base<java.util.stream.Stream<Incident>> {}");

        Compilation compilation = compileWithErrors(1, INCIDENT, base, repository);

        assertThat(compilation)
                .hadErrorContaining(refusal("incidents", "Base.saveAll(Stream<Incident>)", "Stream<Incident>",
                        "<Incident>"))
                .inFile(repository)
                .onLine(3)
                .atColumn(1);
    }

    @Test
    void copiesAnIterableOnceAndPassesTheCopyToBothModelsTheRoutingAndTheWrite() {
        Compilation compilation = compile(INCIDENT, source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "import io.dualrepo.RoutingKey;",
                "import java.util.List;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository {",
                "    List<Incident> findAllById(Iterable<String> ids);",
                "    void saveAll(@RoutingKey String organisationId, Iterable<? extends Incident> incidents);",
                "    <S extends Incident> List<S> saveAllOf(Iterable<S> entities);",
                "    void deleteAll(Iterable<? super Incident> incidents);",
                "}"));

        assertThat(compilation).succeededWithoutWarnings();
        assertThat(generated(compilation, "test.DualIncidentRepository")).contains(
                "    public List<Incident> findAllById(Iterable<String> ids) {\n"
                        + "        // Both models get every element, even of an Iterable that can be iterated only"
                        + " once.\n"
                        + "        List<String> idsList = ids == null ? null\n"
                        + "                : StreamSupport.stream(ids.spliterator(), false).toList();\n"
                        + "        return this.findAllById.call(null, model -> model.findAllById(idsList));\n"
                        + "    }\n",
                "        List<? extends Incident> incidentsList = incidents == null ? null\n"
                        + "                : StreamSupport.stream(incidents.spliterator(), false).toList();\n"
                        + "        this.saveAll.call(organisationId, new Object[] {organisationId, incidentsList},"
                        + " model -> {\n"
                        + "            model.saveAll(organisationId, incidentsList);\n",
                "        List<S> entitiesList = entities == null ? null\n"
                        + "                : StreamSupport.stream(entities.spliterator(), false).toList();\n"
                        + "        return this.saveAllOf.call(null, new Object[] {entitiesList},\n"
                        + "                model -> model.saveAllOf(entitiesList));\n",
                "        List<? super Incident> incidentsList = incidents == null ? null\n");
    }

    @Test
    void routesByTheCopyWhenTheRoutingKeyIsAnIterable() {
        Compilation compilation = compile(INCIDENT, source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "import io.dualrepo.RoutingKey;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository {",
                "    long countByOrganisations(@RoutingKey Iterable<String> organisationIds);",
                "}"));

        assertThat(compilation).succeededWithoutWarnings();
        assertThat(generated(compilation, "test.DualIncidentRepository")).contains(
                "        return this.countByOrganisations.call(organisationIdsList,\n"
                        + "                model -> model.countByOrganisations(organisationIdsList));\n");
    }

    @Test
    void namesTheCopyAroundTheMethodsOwnParameters() {
        Compilation compilation = compile(INCIDENT, source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository {",
                "    void saveAll(Iterable<Incident> model, String modelList, int model_List);",
                "}"));

        assertThat(compilation).succeededWithoutWarnings();
        assertThat(generated(compilation, "test.DualIncidentRepository")).contains(
                "    public void saveAll(Iterable<Incident> model, String modelList, int model_List) {\n",
                "        List<Incident> modelList_ = model == null ? null\n"
                        + "                : StreamSupport.stream(model.spliterator(), false).toList();\n"
                        + "        this.saveAll.call(null, new Object[] {modelList_, modelList, model_List},"
                        + " model_ -> {\n"
                        + "            model_.saveAll(modelList_, modelList, model_List);\n");
    }

    @Test
    void copiesEachIterableParameterUnderOneComment() {
        Compilation compilation = compile(INCIDENT, source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository {",
                "    void updateAll(Iterable<String> ids, Iterable<Incident> incidents);",
                "}"));

        assertThat(compilation).succeededWithoutWarnings();
        assertThat(generated(compilation, "test.DualIncidentRepository")).contains(
                "    public void updateAll(Iterable<String> ids, Iterable<Incident> incidents) {\n"
                        + "        // Both models get every element, even of an Iterable that can be iterated only"
                        + " once.\n"
                        + "        List<String> idsList = ids == null ? null\n"
                        + "                : StreamSupport.stream(ids.spliterator(), false).toList();\n"
                        + "        List<Incident> incidentsList = incidents == null ? null\n"
                        + "                : StreamSupport.stream(incidents.spliterator(), false).toList();\n"
                        + "        this.updateAll.call(null, new Object[] {idsList, incidentsList}, model -> {\n"
                        + "            model.updateAll(idsList, incidentsList);\n");
    }

    @Test
    void readsARawIterableWithoutAnUncheckedWarningInTheDecorator() {
        JavaFileObject repository = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository {",
                "    @SuppressWarnings(\"rawtypes\")",
                "    void saveAll(Iterable incidents);",
                "}");

        Compilation compilation = compile(INCIDENT, repository);

        assertThat(compilation).succeeded();
        assertThat(compilation.diagnostics())
                .filteredOn(d -> d.getKind() == Diagnostic.Kind.WARNING
                        || d.getKind() == Diagnostic.Kind.MANDATORY_WARNING)
                .allSatisfy(warning -> assertThat(warning.getMessage(null)).contains("raw type"))
                .noneSatisfy(warning -> assertThat(warning.getMessage(null)).containsIgnoringCase("unchecked"));
        assertThat(generated(compilation, "test.DualIncidentRepository")).contains(
                "        List<?> incidentsList = incidents == null ? null\n"
                        + "                : StreamSupport.stream(((Iterable<?>) incidents).spliterator(), false)"
                        + ".toList();\n");
    }

    @Test
    void passesCollectionsAndIterablesOfTheUsersOwnAsTheyAre() {
        Compilation compilation = compile(INCIDENT,
                source("test.IncidentBatch",
                        "package test;",
                        "public interface IncidentBatch extends Iterable<Incident> {}"),
                source("test.IncidentRepository",
                        "package test;",
                        "import io.dualrepo.DualModel;",
                        "import java.util.Collection;",
                        "import java.util.Iterator;",
                        "import java.util.List;",
                        "@DualModel(\"incidents\")",
                        "public interface IncidentRepository {",
                        "    void saveAll(List<Incident> incidents);",
                        "    void saveEach(Collection<Incident> incidents);",
                        "    void saveBatch(IncidentBatch batch);",
                        // Not routed, so never called on both models: the interface's own code consumes it once.
                        "    default void saveRemaining(Iterator<Incident> incidents) {",
                        "        incidents.forEachRemaining(this::save);",
                        "    }",
                        "    void save(Incident incident);",
                        "}"));

        assertThat(compilation).succeededWithoutWarnings();
        String decorator = generated(compilation, "test.DualIncidentRepository");
        assertThat(decorator).contains(
                "        this.saveAll.call(null, new Object[] {incidents}, model -> {\n",
                "        this.saveEach.call(null, new Object[] {incidents}, model -> {\n",
                "        this.saveBatch.call(null, new Object[] {batch}, model -> {\n");
        assertThat(decorator).doesNotContain("StreamSupport", "saveRemaining");
    }
}
