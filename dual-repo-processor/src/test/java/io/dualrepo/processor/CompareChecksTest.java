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
 * {@code @Compare} options the runtime would refuse, or a key it would never use, fail the compilation on the
 * value to change, with one exact message; keys that name a field of a list element anywhere in the result pass.
 */
class CompareChecksTest {

    private static final JavaFileObject MODEL = source("test.Book",
            "package test;",
            "import java.util.List;",
            "public record Book(String isbn, String title) {",
            "    public record Shelf(String id, List<Book> books) {}",
            "    public interface View { String isbn(); }",
            "    public static class Base { String code; }",
            "    public static class Item extends Base { String name; }",
            "}");

    private final List<String> generated = new ArrayList<>();

    private Compilation compileWithOneError(JavaFileObject repository) {
        Compilation compilation = Compilations.compile(generated::add, MODEL, repository);
        assertThat(compilation).failed();
        assertThat(compilation).hadErrorCount(1);
        assertThat(generated).isEmpty();
        return compilation;
    }

    private static JavaFileObject repository(String annotation, String read) {
        return source("test.BookRepository",
                "package test;",
                "import io.dualrepo.Compare;",
                "import io.dualrepo.DualModel;",
                "import java.util.List;",
                "import java.util.Map;",
                "import java.util.Optional;",
                "@DualModel(\"books\")",
                "public interface BookRepository {",
                "    " + annotation,
                "    " + read + ";",
                "}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "@Compare(positional = true, unordered = true)"
                + " | positional = true and unordered = true, which exclude each other: positional compares lists by"
                + " position, unordered as multisets; remove one of them | 27",
        "@Compare(unordered = true, positional = true)"
                + " | positional = true and unordered = true, which exclude each other | 45",
        "@Compare(positional = true, key = \"isbn\")"
                + " | key = \"isbn\" and positional = true, which exclude each other: positional lists are not aligned"
                + " by key; remove one of them | 39",
        "@Compare(ignoreFields = \"isbn\", key = \"isbn\")"
                + " | key = \"isbn\" and ignoreFields = \"isbn\", which exclude each other: elements cannot be aligned by"
                + " a field the comparison leaves out; remove one of them | 43",
    })
    void rejectsOptionsThatExcludeEachOther(String annotation, String problem, int column) {
        JavaFileObject repository = repository(annotation, "List<Book> findAll()");

        Compilation compilation = compileWithOneError(repository);

        assertThat(compilation)
                .hadErrorContaining("@Compare on `findAll()` sets " + problem)
                .inFile(repository)
                .onLine(9)
                .atColumn(column);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "List<Book> findAll()                  | isbnn | Book",
        "Optional<Book.Shelf> findShelf()      | isbnn | Book",
        "Book findByIsbn(String isbn)          | title2 | it holds no list of records or classes",
        "List<String> findTitles()             | id | it holds no list of records or classes",
        "List<Book.Item> findItems()           | title | Item",
    })
    void rejectsAKeyThatNamesNoFieldOfAListElement(String read, String key, String elements) {
        JavaFileObject repository = repository("@Compare(key = \"" + key + "\")", read);

        Compilation compilation = compileWithOneError(repository);

        String method = read.substring(read.indexOf(' ') + 1).strip();
        assertThat(compilation)
                .hadErrorContaining("@Compare key \"" + key + "\" on `" + method.replace("String isbn", "String")
                        + "` names no field of the list elements in its result (" + elements + "): name the field"
                        + " that identifies an element, such as its id, or remove the key")
                .inFile(repository)
                .onLine(9)
                .atColumn(20);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "List<Book> findAll()                          | isbn",
        "Book[] findArray()                            | isbn",
        "Optional<Book.Shelf> findShelf()              | isbn",
        "Map<String, List<Book>> findByAuthor()        | isbn",
        "List<? extends Book> findSome()               | title",
        "List<Book.Item> findItems()                   | code",
        "List<Book.View> findViews()                   | anything",
        "List<Object> findObjects()                    | anything",
    })
    void acceptsAKeyOfAnyListElementOrOfElementsItCannotKnow(String read, String key) {
        JavaFileObject repository = repository("@Compare(key = \"" + key + "\")", read);

        assertThat(Compilations.compile(MODEL, repository)).succeededWithoutWarnings();
    }
}
