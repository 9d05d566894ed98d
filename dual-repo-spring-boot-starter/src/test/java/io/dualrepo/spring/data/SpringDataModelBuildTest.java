package io.dualrepo.spring.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.data.repository.Repository;

/**
 * What {@link SpringDataModel} checks when it is built, so that a model that cannot work stops the application at
 * start-up; and how it maps what it cannot check there. Over a repository written by hand: the adapter sees only the
 * repository's interface, as it does with Spring Data's proxies (tested with those in {@code SpringDataModelTest}).
 */
class SpringDataModelBuildTest {

    record Book(String isbn, String title) {}

    static final class BookRow {
        final String isbn;
        final String upperTitle;

        BookRow(String isbn, String upperTitle) {
            this.isbn = isbn;
            this.upperTitle = upperTitle;
        }
    }

    interface BookRows extends Repository<BookRow, String> {
        Optional<BookRow> findById(String isbn);

        List<BookRow> findByUpperTitleStartingWith(String prefix);

        Stream<BookRow> streamAll();

        <S extends BookRow> S save(S row);

        <S extends BookRow> List<S> saveAll(Iterable<S> rows);

        long countByYear(int year);

        void reindex() throws IOException;
    }

    static final class InMemoryBookRows implements BookRows {
        final Map<String, BookRow> rows = new LinkedHashMap<>();
        IOException failure;

        @Override
        public Optional<BookRow> findById(String isbn) {
            return Optional.ofNullable(rows.get(isbn));
        }

        @Override
        public List<BookRow> findByUpperTitleStartingWith(String prefix) {
            return rows.values().stream().filter(row -> row.upperTitle.startsWith(prefix)).toList();
        }

        @Override
        public Stream<BookRow> streamAll() {
            return rows.values().stream();
        }

        @Override
        public <S extends BookRow> S save(S row) {
            rows.put(row.isbn, row);
            return row;
        }

        @Override
        public <S extends BookRow> List<S> saveAll(Iterable<S> given) {
            List<S> saved = new ArrayList<>();
            given.forEach(row -> saved.add(save(row)));
            return saved;
        }

        @Override
        public long countByYear(int year) {
            return year;
        }

        @Override
        public void reindex() throws IOException {
            if (failure != null) {
                throw failure;
            }
        }
    }

    interface Books {
        Optional<Book> findById(String isbn);

        Book getById(String isbn);

        Set<Book> findByTitle(String prefix);

        Book save(Book book);

        void saveAll(Collection<Book> books);

        long countByYear(int year);

        void reindex() throws IOException;

        default boolean has(String isbn) {
            return findById(isbn).isPresent();
        }
    }

    private final InMemoryBookRows rows = new InMemoryBookRows();

    private SpringDataModel.Builder<Books, BookRow> books() {
        return SpringDataModel.of(Books.class, rows)
                .mapped(Book.class, row -> new Book(row.isbn, row.upperTitle.toLowerCase()),
                        book -> new BookRow(book.isbn(), book.title().toUpperCase()))
                .method("getById", "findById")
                .method("findByTitle", "findByUpperTitleStartingWith");
    }

    @Test
    void argumentsAndAnswersAreMappedAloneInOptionalsAndInCollections() throws IOException {
        Books books = books().build();

        assertThat(books.save(new Book("1", "dune"))).isEqualTo(new Book("1", "dune"));
        books.saveAll(List.of(new Book("2", "emma"), new Book("3", "dracula")));

        assertThat(rows.rows.get("2").upperTitle).isEqualTo("EMMA");
        assertThat(books.findById("3")).contains(new Book("3", "dracula"));
        assertThat(books.findById("4")).isEmpty();
        assertThat(books.getById("1")).isEqualTo(new Book("1", "dune"));
        assertThat(books.getById("4")).isNull();
        assertThat(books.findByTitle("D")).containsExactly(new Book("1", "dune"), new Book("3", "dracula"));
        assertThat(books.countByYear(1965)).isEqualTo(1965);
        assertThat(books.has("2")).isTrue();
        books.reindex();
    }

    @Test
    void whatTheRepositoryThrowsReachesTheCallerAsItIsCheckedOrNot() {
        Books books = books().build();
        rows.failure = new IOException("index locked");

        assertThatThrownBy(books::reindex).isSameAs(rows.failure);
    }

    interface UnmatchedBooks {
        List<Book> findByAuthor(String author);

        List<Book> findByUpperTitleStartingWith(int prefix);
    }

    @Test
    void aMethodWithNoCounterpartOrWithParametersThatDoNotFitStopsTheBuildNamingEach() {
        assertThatThrownBy(() -> SpringDataModel.of(UnmatchedBooks.class, rows).mapped(Book.class,
                        row -> new Book(row.isbn, row.upperTitle), book -> new BookRow(book.isbn(), book.title()))
                .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("UnmatchedBooks.findByAuthor(String): BookRows has no method findByAuthor"
                        + " with 1 parameter(s)")
                .hasMessageContaining(".method(\"findByAuthor\", \"...\")")
                .hasMessageContaining("BookRows.findByUpperTitleStartingWith(String) takes a String as parameter 1,"
                        + " not a int");
    }

    interface StreamingBooks {
        List<Book> streamAll();
    }

    @Test
    void aStreamFromTheRepositoryIsRefusedItWouldOutliveItsTransaction() {
        assertThatThrownBy(() -> SpringDataModel.of(StreamingBooks.class, rows).mapped(Book.class,
                        row -> new Book(row.isbn, row.upperTitle), book -> new BookRow(book.isbn(), book.title()))
                .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("BookRows.streamAll() answers a Stream: a Stream must be read inside the"
                        + " repository's transaction; declare a List there");
    }

    @Test
    void aRenameOfAMethodTheInterfaceDoesNotHaveIsRefused() {
        assertThatThrownBy(() -> books().method("findByAuthor", "findById").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("method(\"findByAuthor\", ...) names no method of Books");
        assertThatThrownBy(() -> books().method("getById", "findById"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    interface RowShelf {
        Optional<BookRow> findById(String isbn);

        BookRow save(BookRow row);
    }

    @Test
    void withoutAMappingTheInterfaceUsesTheEntityItself() {
        RowShelf shelf = SpringDataModel.of(RowShelf.class, rows).build();
        BookRow row = new BookRow("1", "DUNE");

        assertThat(shelf.save(row)).isSameAs(row);
        assertThat(shelf.findById("1")).containsSame(row);
    }

    @Test
    void aClassIsRefusedAModelImplementsTheInterface() {
        assertThatThrownBy(() -> SpringDataModel.of(InMemoryBookRows.class, rows))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not an interface");
    }
}
