package io.dualrepo.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.dualrepo.processor.Compilations.source;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.testing.compile.Compilation;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each invalid input fails with one exact message on the line (and where it helps, the column) that causes it,
 * with the exact number of errors, and generates nothing.
 */
class ProcessorErrorsTest {

    private static final JavaFileObject INCIDENT = source("test.Incident",
            "package test;",
            "public record Incident(String id, String status) {}");

    /** The source files the processor created. */
    private final List<String> generated = new ArrayList<>();

    private Compilation compile(JavaFileObject... sources) {
        return Compilations.compile(generated::add, sources);
    }

    /** Compiles, expecting exactly one error, and that nothing was generated. */
    private Compilation compileWithOneError(JavaFileObject... sources) {
        Compilation compilation = compile(sources);
        assertThat(compilation).failed();
        assertThat(compilation).hadErrorCount(1);
        assertThat(generated).isEmpty();
        return compilation;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "public class IncidentStore {}                        | a class",
        "public enum IncidentStore { ONE }                    | an enum",
        "public record IncidentStore(String id) {}            | a record",
        "public abstract class IncidentStore {}               | an abstract class",
    })
    void rejectsATypeThatIsNotAnInterface(String declaration, String kind) {
        JavaFileObject store = source("test.IncidentStore",
                "package test;",
                "import io.dualrepo.DualModel;",
                "@DualModel(\"incidents\")",
                declaration);

        Compilation compilation = compileWithOneError(store);

        assertThat(compilation)
                .hadErrorContaining("@DualModel applies to repository interfaces; `IncidentStore` is " + kind
                        + ": put @DualModel on the interface that IncidentStore implements")
                .inFile(store)
                .onLine(3)
                .atColumn(1);
    }

    @Test
    void rejectsAnAnnotationType() {
        JavaFileObject store = source("test.IncidentStore",
                "package test;",
                "import io.dualrepo.DualModel;",
                "@DualModel(\"incidents\")",
                "public @interface IncidentStore {}");

        Compilation compilation = compileWithOneError(store);

        assertThat(compilation)
                .hadErrorContaining("@DualModel applies to repository interfaces; `IncidentStore` is an annotation"
                        + " type: put @DualModel on a repository interface")
                .inFile(store)
                .onLine(3);
    }

    @Test
    void rejectsAMethodThatIsNeitherAReadNorAWrite() {
        JavaFileObject repository = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository {",
                "    Incident findById(String id);",
                "    void archiveAll(String organisationId);",
                "}");

        Compilation compilation = compileWithOneError(INCIDENT, repository);

        assertThat(compilation)
                .hadErrorContaining("method `archiveAll(String)` is neither a read nor a write: rename it with a"
                        + " read prefix (find, get, count, exists, ...) or a write prefix (save, update, delete, ...),"
                        + " or annotate it with @Read or @Write")
                .inFile(repository)
                .onLine(6)
                .atColumn(10);
    }

    @Test
    void pinsAProblemOfAnInheritedMethodOnTheAnnotatedInterface() {
        JavaFileObject base = source("test.Base",
                "package test;",
                "public interface Base {",
                "    void archiveAll();",
                "}");
        JavaFileObject repository = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository extends Base {}");

        Compilation compilation = compileWithOneError(base, repository);

        assertThat(compilation)
                .hadErrorContaining("method `Base.archiveAll()` is neither a read nor a write")
                .inFile(repository)
                .onLine(3);
    }

    @Test
    void rejectsAMethodAnnotatedBothReadAndWrite() {
        JavaFileObject repository = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "import io.dualrepo.Read;",
                "import io.dualrepo.Write;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository {",
                "    @Read",
                "    @Write",
                "    Incident lockById(String id);",
                "}");

        Compilation compilation = compileWithOneError(INCIDENT, repository);

        assertThat(compilation)
                .hadErrorContaining("method `lockById(String)` is annotated both @Read and @Write: keep the one that"
                        + " says what it does")
                .inFile(repository)
                .onLine(8)
                .atColumn(5);
    }

    @Test
    void rejectsAReadReturningVoid() {
        JavaFileObject repository = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository {",
                "    void loadCache();",
                "}");

        Compilation compilation = compileWithOneError(repository);

        assertThat(compilation)
                .hadErrorContaining("read `loadCache()` returns void: a read must return what it read, so that the"
                        + " two models' answers can be compared; return the value, or annotate the method @Write if"
                        + " it changes data")
                .inFile(repository)
                .onLine(5);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "java.util.stream.Stream<Incident> findAll();      | findAll()  | Stream<Incident>",
        "java.util.stream.IntStream findIds();             | findIds()  | IntStream",
        "java.util.Iterator<Incident> findAll();           | findAll()  | Iterator<Incident>",
        "java.util.ListIterator<Incident> findAll();       | findAll()  | ListIterator<Incident>",
    })
    void rejectsAReadReturningWhatCanBeConsumedOnlyOnce(String declaration, String method, String type) {
        JavaFileObject repository = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository {",
                "    " + declaration,
                "}");

        Compilation compilation = compileWithOneError(INCIDENT, repository);

        assertThat(compilation)
                .hadErrorContaining("read `" + method + "` returns " + type + ", which can be consumed only once, so"
                        + " the old and the new model's answers cannot be compared: return a List instead")
                .inFile(repository)
                .onLine(5);
    }

    @Test
    void rejectsAnInvalidNameOnTheValue() {
        JavaFileObject repository = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "@DualModel(\"IncidentStore\")",
                "public interface IncidentRepository {}");

        Compilation compilation = compileWithOneError(repository);

        assertThat(compilation)
                .hadErrorContaining("@DualModel name \"IncidentStore\" is not valid: the name selects the route and"
                        + " its flags and tags every metric, so it must match [a-z][a-z0-9_-]* (lower-case letters,"
                        + " digits, '-' and '_', starting with a letter), such as \"incident-store\"")
                .inFile(repository)
                .onLine(3)
                .atColumn(12);
    }

    @Test
    void rejectsAnEmptyName() {
        JavaFileObject repository = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "@DualModel(\"\")",
                "public interface IncidentRepository {}");

        Compilation compilation = compileWithOneError(repository);

        assertThat(compilation)
                .hadErrorContaining("@DualModel name \"\" is not valid")
                .inFile(repository)
                .onLine(3);
        assertThat(compilation).hadErrorContaining("such as \"incident\"");
    }

    @Test
    void rejectsAnInterfaceWhoseDecoratorNameIsTaken() {
        JavaFileObject taken = source("test.DualIncidentRepository",
                "package test;",
                "public class DualIncidentRepository {}");
        JavaFileObject repository = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository {}");

        Compilation compilation = compileWithOneError(taken, repository);

        assertThat(compilation)
                .hadErrorContaining("cannot generate DualIncidentRepository for `IncidentRepository`: a type named"
                        + " `DualIncidentRepository` already exists in the same package; rename that type (dual-repo"
                        + " names the decorator of Foo DualFoo)")
                .inFile(repository)
                .onLine(3);
    }

    @Test
    void rejectsTwoInterfacesThatWouldGetTheSameDecoratorName() {
        JavaFileObject nested = source("test.Outer",
                "package test;",
                "import io.dualrepo.DualModel;",
                "public interface Outer {",
                "    @DualModel(\"first\")",
                "    interface Inner {}",
                "}");
        JavaFileObject topLevel = source("test.Outer_Inner",
                "package test;",
                "import io.dualrepo.DualModel;",
                "@DualModel(\"second\")",
                "public interface Outer_Inner {}");

        Compilation compilation = compile(nested, topLevel);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation)
                .hadErrorContaining("cannot generate DualOuter_Inner for `Outer_Inner`")
                .inFile(topLevel)
                .onLine(3);
    }

    @Test
    void rejectsTheSameNameOnTwoInterfaces() {
        JavaFileObject incidents = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository {}");
        JavaFileObject statuses = source("test.StatusRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "",
                "@DualModel(value = \"incidents\")",
                "public interface StatusRepository {}");

        Compilation compilation = compile(incidents, statuses);

        assertThat(compilation).hadErrorCount(2);
        assertThat(compilation)
                .hadErrorContaining("@DualModel name \"incidents\" is also used by `test.StatusRepository`: each"
                        + " repository needs a name of its own, since the name selects its route and tags its"
                        + " metrics; rename one of them")
                .inFile(incidents)
                .onLine(3)
                .atColumn(12);
        assertThat(compilation)
                .hadErrorContaining("@DualModel name \"incidents\" is also used by `test.IncidentRepository`")
                .inFile(statuses)
                .onLine(4)
                .atColumn(20);
        assertThat(generated).isEmpty();
    }

    @Test
    void rejectsAPrivateInterface() {
        JavaFileObject outer = source("test.Outer",
                "package test;",
                "import io.dualrepo.DualModel;",
                "public class Outer {",
                "    @DualModel(\"incidents\")",
                "    private interface IncidentRepository {}",
                "}");

        Compilation compilation = compileWithOneError(outer);

        assertThat(compilation)
                .hadErrorContaining("`IncidentRepository` is private, so the generated DualOuter_IncidentRepository"
                        + " in the same package cannot implement it: make the interface package-private or public")
                .inFile(outer)
                .onLine(4);
    }

    @Test
    void rejectsAnInterfaceNestedInAPrivateClass() {
        JavaFileObject outer = source("test.Outer",
                "package test;",
                "import io.dualrepo.DualModel;",
                "public class Outer {",
                "    private static class Hidden {",
                "        @DualModel(\"incidents\")",
                "        public interface IncidentRepository {}",
                "    }",
                "}");

        Compilation compilation = compileWithOneError(outer);

        assertThat(compilation)
                .hadErrorContaining("`IncidentRepository` is nested in private `Hidden`, so the generated"
                        + " DualOuter_Hidden_IncidentRepository in the same package cannot implement it: make"
                        + " `Hidden` package-private or public")
                .inFile(outer)
                .onLine(5);
    }

    @Test
    void ignoresALocalInterfaceSinceJavacDoesNotShowItToProcessors() {
        JavaFileObject outer = source("test.Outer",
                "package test;",
                "import io.dualrepo.DualModel;",
                "public class Outer {",
                "    void run() {",
                "        @DualModel(\"incidents\")",
                "        interface IncidentRepository {}",
                "    }",
                "}");

        Compilation compilation = compile(outer);

        // javac does not hand local types to processors (JLS: annotation processing sees no local classes), so
        // nothing is reported and nothing generated: the point is that javac does not crash.
        assertThat(compilation).succeeded();
        assertThat(generated).isEmpty();
    }

    @Test
    void rejectsASealedInterface() {
        JavaFileObject repository = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "@DualModel(\"incidents\")",
                "public sealed interface IncidentRepository permits IncidentRepository.Only {",
                "    final class Only implements IncidentRepository {}",
                "}");

        Compilation compilation = compileWithOneError(repository);

        assertThat(compilation)
                .hadErrorContaining("`IncidentRepository` is sealed, so the generated DualIncidentRepository cannot"
                        + " implement it: remove `sealed` and `permits` from the interface")
                .inFile(repository)
                .onLine(3);
    }

    @Test
    void rejectsTwoRoutingKeys() {
        JavaFileObject repository = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "import io.dualrepo.RoutingKey;",
                "import java.util.List;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository {",
                "    List<Incident> findByOrganisation(@RoutingKey String organisationId,",
                "            @RoutingKey String teamId);",
                "}");

        Compilation compilation = compileWithOneError(INCIDENT, repository);

        assertThat(compilation)
                .hadErrorContaining("method `findByOrganisation(String, String)` has more than one @RoutingKey"
                        + " parameter (`organisationId`, `teamId`): a call is routed by one key; keep @RoutingKey on"
                        + " one of them")
                .inFile(repository)
                .onLine(8)
                .atColumn(13);
    }

    @Test
    void rejectsCompareOnAWrite() {
        JavaFileObject repository = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.Compare;",
                "import io.dualrepo.DualModel;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository {",
                "    @Compare(unordered = true)",
                "    void save(Incident incident);",
                "}");

        Compilation compilation = compileWithOneError(INCIDENT, repository);

        assertThat(compilation)
                .hadErrorContaining("@Compare on write `save(Incident)` has no effect: only reads are compared;"
                        + " remove it, or annotate the method @Read if it is a read")
                .inFile(repository)
                .onLine(6)
                .atColumn(5);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "public abstract static class Eq implements Equivalence<Incident> {}"
                + " | `test.Holder.Eq` is an abstract class, so the runtime cannot create it: name a concrete class"
                + " with a public no-argument constructor",
        "public interface Eq extends Equivalence<Incident> {}"
                + " | `test.Holder.Eq` is an interface, so the runtime cannot create it",
        "public static class Eq implements Equivalence<Incident> {"
                + " public Eq(String name) {} public boolean equivalent(Incident a, Incident b) { return true; } }"
                + " | `test.Holder.Eq` has no public no-argument constructor, so the runtime cannot create it: add one",
        "public static class Eq implements Equivalence<Incident> {"
                + " Eq() {} public boolean equivalent(Incident a, Incident b) { return true; } }"
                + " | `test.Holder.Eq` has no public no-argument constructor",
        "static class Eq implements Equivalence<Incident> {"
                + " public boolean equivalent(Incident a, Incident b) { return true; } }"
                + " | `test.Holder.Eq` is not public, so the runtime cannot create it: make it public",
        "public class Eq implements Equivalence<Incident> {"
                + " public boolean equivalent(Incident a, Incident b) { return true; } }"
                + " | `test.Holder.Eq` is an inner class, which needs an instance of `Holder` to be created: make it"
                + " static",
        "public static class Eq implements Equivalence<String> {"
                + " public boolean equivalent(String a, String b) { return true; } }"
                + " | `test.Holder.Eq` cannot compare Incident, the result of `findById(String)`: name an"
                + " Equivalence<Incident>",
    })
    void rejectsAnEquivalenceTheRuntimeCannotUse(String equivalence, String problem) {
        JavaFileObject holder = source("test.Holder",
                "package test;",
                "import io.dualrepo.compare.Equivalence;",
                "public class Holder {",
                "    " + equivalence,
                "}");
        JavaFileObject repository = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.Compare;",
                "import io.dualrepo.DualModel;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository {",
                "    @Compare(equivalence = Holder.Eq.class)",
                "    Incident findById(String id);",
                "}");

        Compilation compilation = compileWithOneError(INCIDENT, holder, repository);

        assertThat(compilation)
                .hadErrorContaining("@Compare equivalence " + problem)
                .inFile(repository)
                .onLine(6)
                .atColumn(37); // javac places a class literal at its ".class"
    }

    @Test
    void acceptsAnEquivalenceOfASupertypeOrARawOne() {
        JavaFileObject holder = source("test.Holder",
                "package test;",
                "import io.dualrepo.compare.Equivalence;",
                "import java.util.Objects;",
                "public class Holder {",
                "    public static class AnyObject implements Equivalence<Object> {",
                "        public boolean equivalent(Object a, Object b) { return Objects.equals(a, b); }",
                "    }",
                "    public static class Generic<T> implements Equivalence<T> {",
                "        public boolean equivalent(T a, T b) { return Objects.equals(a, b); }",
                "    }",
                "}");
        JavaFileObject repository = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.Compare;",
                "import io.dualrepo.DualModel;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository {",
                "    @Compare(equivalence = Holder.AnyObject.class)",
                "    Incident findById(String id);",
                "    @Compare(equivalence = Holder.Generic.class)",
                "    long countByStatus(String status);",
                "}");

        assertThat(compile(INCIDENT, holder, repository)).succeededWithoutWarnings();
    }

    @Test
    void rejectsReadThroughOnAWrite() {
        JavaFileObject repository = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "import io.dualrepo.ReadThrough;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository {",
                "    @ReadThrough",
                "    void save(Incident incident);",
                "}");

        Compilation compilation = compileWithOneError(INCIDENT, repository);

        assertThat(compilation)
                .hadErrorContaining("@ReadThrough on write `save(Incident)` has no effect: read-through applies to"
                        + " reads only; remove it")
                .inFile(repository)
                .onLine(6)
                .atColumn(5);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "persist | `IncidentRepository` has no method named `persist`; name the write that saves what the old"
                + " model returned into the new one",
        "findAll | `findAll()` is a read, but copying into the new model is a write; name a write method",
        "saveAll | `saveAll(Incident, boolean)` takes 2 parameters, but copyWith passes exactly one, the value to"
                + " save; name a write with one parameter",
        "deleteById | `deleteById(String)` cannot take Optional<Incident>, nor the value of its Optional or its"
                + " elements; name a write whose parameter accepts what the read returns",
    })
    void rejectsACopyWithThatCannotCopy(String copyWith, String problem) {
        JavaFileObject repository = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "import io.dualrepo.ReadThrough;",
                "import java.util.List;",
                "import java.util.Optional;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository {",
                "    @ReadThrough(copyWith = \"" + copyWith + "\")",
                "    Optional<Incident> findById(String id);",
                "    List<Incident> findAll();",
                "    void saveAll(Incident incident, boolean flush);",
                "    void deleteById(String id);",
                "}");

        Compilation compilation = compileWithOneError(INCIDENT, repository);

        assertThat(compilation)
                .hadErrorContaining("@ReadThrough(copyWith = \"" + copyWith + "\") on `findById(String)`: " + problem)
                .inFile(repository)
                .onLine(8)
                .atColumn(29);
    }

    @ParameterizedTest
    @CsvSource({"delete", "findAll", "purge"})
    void rejectsARemoveWithThatDoesNotTakeTheReadsArguments(String removeWith) {
        JavaFileObject repository = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "import io.dualrepo.ReadThrough;",
                "import java.util.List;",
                "import java.util.Optional;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository {",
                "    @ReadThrough(copyWith = \"save\", removeWith = \"" + removeWith + "\")",
                "    Optional<Incident> findById(String id);",
                "    List<Incident> findAll(String id);",
                "    void save(Incident incident);",
                "    void delete(Incident incident);",
                "}");

        Compilation compilation = compileWithOneError(INCIDENT, repository);

        assertThat(compilation)
                .hadErrorContaining("@ReadThrough(removeWith = \"" + removeWith + "\") on `findById(String)`: no write"
                        + " of that name takes the read's own arguments; name the write that removes what the read asks"
                        + " for from the new model, such as deleteById")
                .inFile(repository)
                .onLine(8)
                .atColumn(50);
    }

    @Test
    void rejectsReadOrWriteOnAStaticOrPrivateMethod() {
        JavaFileObject repository = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "import io.dualrepo.Read;",
                "import io.dualrepo.Write;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository {",
                "    @Read",
                "    static Incident findDefault() {",
                "        return null;",
                "    }",
                "    @Write",
                "    private void saveNothing() {}",
                "}");

        Compilation compilation = compile(INCIDENT, repository);

        assertThat(compilation).hadErrorCount(2);
        assertThat(compilation)
                .hadErrorContaining("@Read on static method `findDefault()` has no effect: only abstract and default"
                        + " methods are routed; remove it")
                .inFile(repository)
                .onLine(7)
                .atColumn(5);
        assertThat(compilation)
                .hadErrorContaining("@Write on private method `saveNothing()` has no effect")
                .inFile(repository)
                .onLine(11)
                .atColumn(5);
        assertThat(generated).isEmpty();
    }

    @Test
    void reportsEveryErrorOfAnInterfaceAndGeneratesNothing() {
        JavaFileObject repository = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "import io.dualrepo.Read;",
                "@DualModel(\"Incidents\")",
                "public interface IncidentRepository {",
                "    Incident findById(String id);",
                "    void archiveAll();",
                "    @Read",
                "    void refresh();",
                "}");

        Compilation compilation = compile(INCIDENT, repository);

        assertThat(compilation).failed();
        assertThat(compilation).hadErrorCount(3);
        assertThat(compilation).hadErrorContaining("@DualModel name \"Incidents\" is not valid")
                .inFile(repository).onLine(4);
        assertThat(compilation).hadErrorContaining("method `archiveAll()` is neither a read nor a write")
                .inFile(repository).onLine(7);
        assertThat(compilation).hadErrorContaining("read `refresh()` returns void")
                .inFile(repository).onLine(8);
        assertThat(generated).isEmpty();
    }

    @Test
    void reportsOnlyTheInvalidInterfaceAndStillGeneratesTheValidOnes() {
        JavaFileObject valid = source("test.NameRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "@DualModel(\"names\")",
                "public interface NameRepository {",
                "    String findName(String id);",
                "}");
        JavaFileObject invalid = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository {",
                "    void archiveAll();",
                "}");

        Compilation compilation = compile(valid, invalid);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation).hadErrorContaining("archiveAll()").inFile(invalid).onLine(5);
        assertThat(generated).containsExactly("test.DualNameRepository");
    }
}
