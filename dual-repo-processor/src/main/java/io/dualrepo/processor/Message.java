package io.dualrepo.processor;

import java.util.Locale;
import javax.tools.Diagnostic;

/**
 * Every message the processor reports, in one place so that their wording stays consistent: each says what is
 * wrong and how to fix it. Arguments are substituted with {@link String#format}.
 *
 * <p>Each message starts with its id in brackets, {@code [DR001]}, which heads its section in
 * docs/processor-errors.md: a user searches the docs, or the web, by the id, which does not change when the wording
 * does. Ids follow the order of the constants; a new message takes the next free id, and the id of a removed one is
 * never given to another.
 */
enum Message {

    // The annotated type
    NOT_AN_INTERFACE("DR001",
            "@DualModel applies to repository interfaces; `%1$s` is %2$s: put @DualModel on the interface that"
                    + " %1$s implements"),
    ANNOTATION_TYPE("DR002",
            "@DualModel applies to repository interfaces; `%s` is an annotation type: put @DualModel on a"
                    + " repository interface"),
    INVALID_NAME("DR003",
            "@DualModel name \"%s\" is not valid: the name selects the route and its flags and tags every metric,"
                    + " so it must match [a-z][a-z0-9_-]* (lower-case letters, digits, '-' and '_', starting with a"
                    + " letter), such as \"%s\""),
    DUPLICATE_NAME("DR004",
            "@DualModel name \"%s\" is also used by `%s`: each repository needs a name of its own, since the name"
                    + " selects its route and tags its metrics; rename one of them"),
    PRIVATE_INTERFACE("DR005",
            "`%s` is private, so the generated %s in the same package cannot implement it: make the interface"
                    + " package-private or public"),
    PRIVATE_ENCLOSING_TYPE("DR006",
            "`%s` is nested in private `%s`, so the generated %s in the same package cannot implement it: make"
                    + " `%2$s` package-private or public"),
    LOCAL_INTERFACE("DR007",
            "`%s` is declared inside a method, so the generated %s cannot implement it: move the interface to the"
                    + " top level or into a class"),
    SEALED_INTERFACE("DR008",
            "`%s` is sealed, so the generated %s cannot implement it: remove `sealed` and `permits` from the"
                    + " interface"),
    GENERATED_NAME_TAKEN("DR009",
            "cannot generate %s for `%s`: a type named `%1$s` already exists in the same package; rename that type"
                    + " (dual-repo names the decorator of Foo DualFoo)"),

    // Methods
    NEITHER_READ_NOR_WRITE("DR010",
            "method `%s` is neither a read nor a write: rename it with a read prefix (find, get, count, exists,"
                    + " ...) or a write prefix (save, update, delete, ...), or annotate it with @Read or @Write"),
    READ_AND_WRITE("DR011",
            "method `%s` is annotated both @Read and @Write: keep the one that says what it does"),
    READ_RETURNS_VOID("DR012",
            "read `%s` returns void: a read must return what it read, so that the two models' answers can be"
                    + " compared; return the value, or annotate the method @Write if it changes data"),
    READ_RETURNS_SINGLE_USE("DR013",
            "read `%s` returns %s, which can be consumed only once, so the old and the new model's answers cannot"
                    + " be compared: return a List instead"),
    SINGLE_USE_PARAMETER("DR014",
            "parameter `%s` of `%s` is %s, which can be consumed only once, but both models may be called with it"
                    + " (dual writes, shadow comparison, read-through), and the first would use it up: take a List%4$s"
                    + " instead, or an Iterable%4$s, which the decorator copies once for both models"),
    NOT_ROUTABLE("DR015",
            "@%s on %s method `%s` has no effect: only abstract and default methods are routed; remove it"),
    NOT_ROUTED_DEFAULT("DR016",
            Diagnostic.Kind.WARNING,
            "@%s on default method `%s` has no effect: a default method is routed only when annotated @Read or"
                    + " @Write; add one of them, or remove @%1$s"),
    ROUTING_KEY_TWICE("DR017",
            "method `%s` has more than one @RoutingKey parameter (%s): a call is routed by one key; keep"
                    + " @RoutingKey on one of them"),
    COMPARE_ON_WRITE("DR018",
            "@Compare on write `%s` has no effect: only reads are compared; remove it, or annotate the method"
                    + " @Read if it is a read"),
    COMPARE_OPTIONS_CONFLICT("DR019",
            "@Compare on `%s` sets %s and %s, which exclude each other: %s; remove one of them"),
    COMPARE_KEY_UNKNOWN("DR020",
            "@Compare key \"%s\" on `%s` names no field of the list elements in its result (%s): name the field"
                    + " that identifies an element, such as its id, or remove the key"),
    EQUIVALENCE_NOT_CONCRETE("DR021",
            "@Compare equivalence `%s` is %s, so the runtime cannot create it: name a concrete class with a public"
                    + " no-argument constructor"),
    EQUIVALENCE_NOT_PUBLIC("DR022",
            "@Compare equivalence `%s` is not public, so the runtime cannot create it: make it public"),
    EQUIVALENCE_INNER_CLASS("DR023",
            "@Compare equivalence `%s` is an inner class, which needs an instance of `%s` to be created: make it"
                    + " static"),
    EQUIVALENCE_NO_CONSTRUCTOR("DR024",
            "@Compare equivalence `%s` has no public no-argument constructor, so the runtime cannot create it: add"
                    + " one"),
    EQUIVALENCE_WRONG_TYPE("DR025",
            "@Compare equivalence `%s` cannot compare %s, the result of `%s`: name an Equivalence<%2$s>"),
    READ_THROUGH_ON_WRITE("DR026",
            "@ReadThrough on write `%s` has no effect: read-through applies to reads only; remove it"),
    COPY_WITH_MISSING("DR027",
            "@ReadThrough(copyWith = \"%s\") on `%s`: `%s` has no method named `%1$s`; name the write that saves"
                    + " what the old model returned into the new one"),
    COPY_WITH_NOT_A_WRITE("DR028",
            "@ReadThrough(copyWith = \"%s\") on `%s`: `%s` is a read, but copying into the new model is a write;"
                    + " name a write method"),
    COPY_WITH_ARITY("DR029",
            "@ReadThrough(copyWith = \"%s\") on `%s`: `%s` takes %d parameters, but copyWith passes exactly one,"
                    + " the value to save; name a write with one parameter"),
    COPY_WITH_WRONG_TYPE("DR030",
            "@ReadThrough(copyWith = \"%s\") on `%s`: `%s` cannot take %s, nor the value of its Optional or its"
                    + " elements; name a write whose parameter accepts what the read returns"),
    REMOVE_WITH_UNUSABLE("DR031",
            "@ReadThrough(removeWith = \"%s\") on `%s`: no write of that name takes the read's own arguments; name"
                    + " the write that removes what the read asks for from the new model, such as deleteById"),
    STITCH_OPTION_WITHOUT_STITCH("DR032",
            "@ReadThrough(%s = ...) on `%s` has no effect without stitch = true: add stitch = true to stitch the"
                    + " read, or remove %1$s"),
    STITCH_WITH_COPY("DR033",
            "@ReadThrough(stitch = true) on `%s` also sets %s: a stitched read copies nothing into the new model, since"
                    + " taking back a copy of many rows would remove from it everything the query matches; remove %2$s,"
                    + " and migrate rows with a by-key read's copyWith or with the backfill"),
    STITCH_UNSUPPORTED_RESULT("DR034",
            "@ReadThrough(stitch = true) on `%s`: it returns %s, but a stitched read answers with a List (or a Set)"
                    + " of the new model's elements and the old model's; declare the result as List, Set, Collection"
                    + " or Iterable, or remove stitch"),
    STITCH_PAGED("DR035",
            "@ReadThrough(stitch = true) on `%s`: %s, which an answer stitched from the new model's answer and the"
                    + " old model's cannot keep; remove @ReadThrough, so that the old model answers it under"
                    + " read-through"),
    STITCH_WITHOUT_IDENTITY("DR036",
            "@ReadThrough(stitch = true) on `%s`: the elements of its result (%s) have no identity to tell the new"
                    + " model's from the old model's: %s; give them an @Id field or one named id, name their key with"
                    + " @Compare(key = ...), or remove stitch"),
    MIGRATED_WHEN_UNKNOWN("DR037",
            "@ReadThrough(migratedWhen = \"%s\") on `%s`: %s has no boolean field of that name; name the boolean"
                    + " field that is true once the old model's row has been migrated into the new model"),
    STITCH_ORDER_MISSING("DR038",
            "@ReadThrough(stitch = true) on `%s`: its name promises an order (OrderBy), which the new model's"
                    + " elements followed by the old model's do not keep; name a Comparator that sorts as the query"
                    + " does, with @ReadThrough(order = ...)"),
    STITCH_ORDER_UNUSABLE("DR039",
            "@ReadThrough order `%s` on `%s` cannot be used: %s"),

    // The processor itself
    WRITE_FAILED("DR040",
            "cannot write %s, the decorator of `%s`: %s"),
    UNEXPECTED("DR041",
            "dual-repo could not process `%s` (%s); this is a bug in dual-repo-processor, please report it with"
                    + " this stack trace:%n%s"),
    UNRESOLVED_TYPES("DR042",
            "no decorator was generated for `%s`, since it uses types that could not be resolved by the end of"
                    + " annotation processing: %s; declare or import each of them, or, if another annotation processor"
                    + " generates one, make sure that processor runs in this compilation and succeeds");

    private final String id;
    private final Diagnostic.Kind kind;
    private final String format;

    Message(String id, String format) {
        this(id, Diagnostic.Kind.ERROR, format);
    }

    Message(String id, Diagnostic.Kind kind, String format) {
        this.id = id;
        this.kind = kind;
        this.format = format;
    }

    /** {@code DR001}: what the message starts with, in brackets, and what heads its section in the docs. */
    String id() {
        return id;
    }

    Diagnostic.Kind kind() {
        return kind;
    }

    String format(Object... arguments) {
        return "[" + id + "] " + String.format(Locale.ROOT, format, arguments);
    }
}
