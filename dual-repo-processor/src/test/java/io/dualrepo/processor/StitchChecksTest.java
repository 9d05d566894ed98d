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
 * {@code @ReadThrough(stitch = true)}: a stitched answer the runtime could not make (a result that is not a
 * collection, a page, a copy), elements it could not tell apart, a marker it could not read and an order it would
 * not keep fail the compilation with one exact message; what it can stitch compiles without warnings.
 */
class StitchChecksTest {

    private static final JavaFileObject ID = source("test.Id",
            "package test;",
            "import java.lang.annotation.*;",
            "@Retention(RetentionPolicy.RUNTIME) @Target({ElementType.FIELD, ElementType.METHOD})",
            "public @interface Id {}");

    private static final JavaFileObject MODEL = source("test.Member",
            "package test;",
            "import java.util.Comparator;",
            "public record Member(String id, String name, boolean migrated) {",
            "    public record Label(String text) {}",
            "    public record Keyed(@Id long number, String name) {}",
            "    public record Twice(@Id String a, @Id String b) {}",
            "    public record Embedded(Label id, String name) {}",
            "    public enum Status { OPEN, CLOSED }",
            "    public static class Entity { @Id String reference; String name; Boolean migrated; }",
            "    public static class Getter { String code; @Id public String getCode() { return code; } }",
            "    public static class Sub extends Entity { String extra; }",
            "    public interface View { String id(); }",
            "    public static final class ByName implements Comparator<Member> {",
            "        public int compare(Member a, Member b) { return a.name.compareTo(b.name); }",
            "    }",
            "    public static final class ByText implements Comparator<Label> {",
            "        public int compare(Label a, Label b) { return a.text.compareTo(b.text); }",
            "    }",
            "    public static final class Any implements Comparator<Object> {",
            "        public int compare(Object a, Object b) { return 0; }",
            "    }",
            "    public static final class NoConstructor implements Comparator<Member> {",
            "        public NoConstructor(int x) {}",
            "        public int compare(Member a, Member b) { return 0; }",
            "    }",
            "    public abstract static class Partial implements Comparator<Member> {}",
            "    public final class Inner implements Comparator<Member> {",
            "        public int compare(Member a, Member b) { return 0; }",
            "    }",
            "    static final class Hidden implements Comparator<Member> {",
            "        public int compare(Member a, Member b) { return 0; }",
            "    }",
            "}");

    private static final JavaFileObject SPRING_LIKE = source("test.Pageable",
            "package test;",
            "public interface Pageable {",
            "    interface Sort {}",
            "    final class Limit {}",
            "}");

    private final List<String> generated = new ArrayList<>();

    private static JavaFileObject repository(String annotation, String read) {
        return source("test.MemberRepository",
                "package test;",
                "import io.dualrepo.Compare;",
                "import io.dualrepo.DualModel;",
                "import io.dualrepo.ReadThrough;",
                "import java.util.*;",
                "import test.Pageable.Limit;",
                "import test.Pageable.Sort;",
                "@DualModel(\"members\")",
                "public interface MemberRepository {",
                "    " + annotation,
                "    " + read + ";",
                "    void save(Member member);",
                "    void deleteById(String id);",
                "}");
    }

    private Compilation compileWithOneError(JavaFileObject repository) {
        Compilation compilation = Compilations.compile(generated::add, ID, MODEL, SPRING_LIKE, repository);
        assertThat(compilation).failed();
        assertThat(compilation).hadErrorCount(1);
        assertThat(generated).isEmpty();
        return compilation;
    }

    private static void assertCompiles(String annotation, String read) {
        assertThat(Compilations.compile(ID, MODEL, SPRING_LIKE, repository(annotation, read)))
                .succeededWithoutWarnings();
    }

    /** The column of an annotation value on line 10, where the annotation is written after four spaces. */
    private static int column(String annotation, String value) {
        return 4 + annotation.indexOf(value) + 1;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "@ReadThrough(order = Member.ByName.class)      | order",
        "@ReadThrough(migratedWhen = \"migrated\")      | migratedWhen",
    })
    void rejectsStitchOptionsWithoutStitch(String annotation, String option) {
        JavaFileObject repository = repository(annotation, "List<Member> findAll()");

        Compilation compilation = compileWithOneError(repository);

        assertThat(compilation)
                .hadErrorContaining("@ReadThrough(" + option + " = ...) on `findAll()` has no effect without stitch ="
                        + " true: add stitch = true to stitch the read, or remove " + option)
                .inFile(repository)
                .onLine(10);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "@ReadThrough(stitch = true, copyWith = \"save\")         | copyWith   | \"save\"",
        "@ReadThrough(stitch = true, removeWith = \"deleteById\") | removeWith | \"deleteById\"",
    })
    void rejectsACopyOfAStitchedRead(String annotation, String option, String value) {
        JavaFileObject repository = repository(annotation, "List<Member> findAll()");

        Compilation compilation = compileWithOneError(repository);

        assertThat(compilation)
                .hadErrorContaining("@ReadThrough(stitch = true) on `findAll()` also sets " + option + ": a stitched"
                        + " read copies nothing into the new model, since taking back a copy of many rows would remove"
                        + " from it everything the query matches; remove " + option + ", and migrate rows with a"
                        + " by-key read's copyWith or with the backfill")
                .inFile(repository)
                .onLine(10)
                .atColumn(column(annotation, value));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Optional<Member> findById(String id)       | Optional<Member>",
        "Member[] findAll()                         | Member[]",
        "Map<String, Member> findAll()              | Map<String, Member>",
        "ArrayList<Member> findAll()                | ArrayList<Member>",
        "SortedSet<Member> findAll()                | SortedSet<Member>",
        "long countAll()                            | long",
    })
    void rejectsAResultAStitchedAnswerCannotBe(String read, String result) {
        String annotation = "@ReadThrough(stitch = true)";
        JavaFileObject repository = repository(annotation, read);

        Compilation compilation = compileWithOneError(repository);

        String method = read.substring(read.lastIndexOf(' ', read.indexOf('(')) + 1).replace("String id", "String");
        assertThat(compilation)
                .hadErrorContaining("@ReadThrough(stitch = true) on `" + method + "`: it returns " + result
                        + ", but a stitched read answers with a List (or a Set) of the new model's elements and the"
                        + " old model's; declare the result as List, Set, Collection or Iterable, or remove stitch")
                .inFile(repository)
                .onLine(10)
                .atColumn(column(annotation, "true"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "List<Member> findByName(String name, Pageable page) | findByName(String, Pageable)"
                + " | it returns one page (its Pageable parameter `page`)",
        "List<Member> findByName(String name, Sort sort)     | findByName(String, Sort)"
                + " | it is sorted at run time (its Sort parameter `sort`)",
        "List<Member> findByName(Limit limit)                | findByName(Limit)"
                + " | it returns at most a given number of rows (its Limit parameter `limit`)",
        "List<Member> findTop10ByName(String name)           | findTop10ByName(String)"
                + " | it returns the first rows only (First or Top in its name)",
        "List<Member> findFirstByName(String name)           | findFirstByName(String)"
                + " | it returns the first rows only (First or Top in its name)",
        "Set<Member> findDistinctFirst3MembersByName(String name) | findDistinctFirst3MembersByName(String)"
                + " | it returns the first rows only (First or Top in its name)",
    })
    void rejectsAPagedOrLimitedRead(String read, String method, String why) {
        JavaFileObject repository = repository("@ReadThrough(stitch = true)", read);

        Compilation compilation = compileWithOneError(repository);

        assertThat(compilation)
                .hadErrorContaining("@ReadThrough(stitch = true) on `" + method + "`: " + why + ", which an answer"
                        + " stitched from the new model's answer and the old model's cannot keep; remove @ReadThrough,"
                        + " so that the old model answers it under read-through")
                .inFile(repository)
                .onLine(10);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "@ReadThrough(stitch = true) | List<String> findNames()        | String"
                + " | they are plain values, not records or classes",
        "@ReadThrough(stitch = true) | List<Member.Status> findStatuses() | Status"
                + " | they are plain values, not records or classes",
        "@ReadThrough(stitch = true) | List<Member.Label> findLabels() | Label"
                + " | they have no field annotated @Id or named id",
        "@ReadThrough(stitch = true) | List<Member.Twice> findTwice()  | Twice"
                + " | their @Id fields `a`, `b` make a composite key",
        "@ReadThrough(stitch = true) | List<Member.Embedded> findEmbedded() | Embedded"
                + " | their key `id` is Label, not a plain value",
        "@ReadThrough(stitch = true) @Compare(ignoreFields = \"id\") | List<Member> findAll() | Member"
                + " | their key `id` is left out by @Compare(ignoreFields)",
    })
    void rejectsElementsWithoutAnIdentity(String annotation, String read, String element, String why) {
        JavaFileObject repository = repository(annotation, read);

        Compilation compilation = compileWithOneError(repository);

        String method = read.substring(read.indexOf(' ') + 1);
        assertThat(compilation)
                .hadErrorContaining("@ReadThrough(stitch = true) on `" + method + "`: the elements of its result ("
                        + element + ") have no identity to tell the new model's from the old model's: " + why
                        + "; give them an @Id field or one named id, name their key with @Compare(key = ...), or"
                        + " remove stitch")
                .inFile(repository)
                .onLine(10)
                .atColumn(column(annotation, "true"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "@ReadThrough(stitch = true)                             | List<Member> findAll()",
        "@ReadThrough(stitch = true)                             | Set<Member> listAll()",
        "@ReadThrough(stitch = true)                             | Collection<Member> findAll()",
        "@ReadThrough(stitch = true)                             | Iterable<Member> findAll()",
        "@ReadThrough(stitch = true)                             | List<? extends Member> findAll()",
        "@ReadThrough(stitch = true)                             | List<Member.Keyed> findKeyed()",
        "@ReadThrough(stitch = true)                             | List<Member.Entity> findEntities()",
        "@ReadThrough(stitch = true)                             | List<Member.Sub> findSubs()",
        "@ReadThrough(stitch = true)                             | List<Member.Getter> findGetters()",
        "@ReadThrough(stitch = true)                             | List<Member.View> findViews()",
        "@ReadThrough(stitch = true)                             | List<Object> findObjects()",
        "@ReadThrough(stitch = true)                             | <T extends Member.View> List<T> findTyped()",
        "@ReadThrough(stitch = true) @Compare(key = \"text\")     | List<Member.Label> findLabels()",
        "@ReadThrough(stitch = true, migratedWhen = \"migrated\") | List<Member> findAll()",
        "@ReadThrough(stitch = true, migratedWhen = \"migrated\") | List<Member.Entity> findEntities()",
        "@ReadThrough(stitch = true, migratedWhen = \"moved\")    | List<Member.View> findViews()",
        "@ReadThrough(stitch = true, order = Member.ByName.class) | List<Member> findByNameOrderByName(String name)",
        "@ReadThrough(stitch = true, order = Member.Any.class)   | List<Member> findAllOrderByName()",
        "@ReadThrough(stitch = true)                             | List<Member> findByOrderNumber(String number)",
        "@ReadThrough(stitch = true)                             | List<Member> findTopics()",
    })
    void acceptsWhatItCanStitch(String annotation, String read) {
        assertCompiles(annotation, read);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "moved    | List<Member> findAll()             | Member",
        "name     | List<Member> findAll()             | Member",
        "migrated | List<Member.Label> findLabels()    | Label",
    })
    void rejectsAMarkerThatIsNoBooleanFieldOfTheElements(String marker, String read, String element) {
        String annotation = "@ReadThrough(stitch = true, migratedWhen = \"" + marker + "\") @Compare(key = \"text\")";
        if (!element.equals("Label")) {
            annotation = "@ReadThrough(stitch = true, migratedWhen = \"" + marker + "\")";
        }
        JavaFileObject repository = repository(annotation, read);

        Compilation compilation = compileWithOneError(repository);

        String method = read.substring(read.indexOf(' ') + 1);
        assertThat(compilation)
                .hadErrorContaining("@ReadThrough(migratedWhen = \"" + marker + "\") on `" + method + "`: " + element
                        + " has no boolean field of that name; name the boolean field that is true once the old"
                        + " model's row has been migrated into the new model")
                .inFile(repository)
                .onLine(10)
                .atColumn(column(annotation, "\"" + marker + "\""));
    }

    @Test
    void rejectsAReadWhoseNameOrdersItWithoutAComparator() {
        String annotation = "@ReadThrough(stitch = true)";
        JavaFileObject repository = repository(annotation, "List<Member> findByNameOrderByIdDesc(String name)");

        Compilation compilation = compileWithOneError(repository);

        assertThat(compilation)
                .hadErrorContaining("@ReadThrough(stitch = true) on `findByNameOrderByIdDesc(String)`: its name"
                        + " promises an order (OrderBy), which the new model's elements followed by the old model's do"
                        + " not keep; name a Comparator that sorts as the query does, with @ReadThrough(order = ...)")
                .inFile(repository)
                .onLine(10)
                .atColumn(column(annotation, "true"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "NoConstructor | it has no public no-argument constructor: add one",
        "Partial       | it is an abstract class: name a concrete class",
        "Inner         | it is an inner class, which needs an instance of `Member`: make it static",
        "Hidden        | it is not public: make it public",
        "ByText        | it is not a Comparator of Member, the elements of the result: name a Comparator<Member>",
    })
    void rejectsAnOrderTheRuntimeCannotUse(String comparator, String why) {
        JavaFileObject repository = repository("@ReadThrough(stitch = true, order = Member." + comparator + ".class)",
                "List<Member> findAll()");

        Compilation compilation = compileWithOneError(repository);

        assertThat(compilation)
                .hadErrorContaining("@ReadThrough order `test.Member." + comparator + "` on `findAll()` cannot be"
                        + " used: " + why)
                .inFile(repository)
                .onLine(10);
    }
}
