package io.dualrepo.internal.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.compare.Difference;
import io.dualrepo.spi.CompareOptions;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Primitive arrays and primitive fields of every type, and values of different classes at the same place: where
 * the comparator takes shortcuts (no boxing, field reads without boxing) the answer must be the one equals() on the
 * boxed values would give.
 */
class PrimitivesAndClassesTest {

    private static final StructuralComparator COMPARATOR = new StructuralComparator(CompareOptions.defaults());
    private static final StructuralComparator UNORDERED =
            new StructuralComparator(CompareOptions.defaults().withUnorderedCollections(true));

    private static List<String> paths(Object a, Object b) {
        return COMPARATOR.diff(a, b).stream().map(Difference::path).toList();
    }

    @Test
    void primitiveArraysOfEveryTypeCompareByElement() {
        List<Object[]> cases = List.of(
                new Object[] {new int[] {1, 2}, new int[] {1, 2}, new int[] {1, 3}},
                new Object[] {new long[] {1, 2}, new long[] {1, 2}, new long[] {1, 3}},
                new Object[] {new byte[] {1, 2}, new byte[] {1, 2}, new byte[] {1, 3}},
                new Object[] {new short[] {1, 2}, new short[] {1, 2}, new short[] {1, 3}},
                new Object[] {new char[] {'a', 'b'}, new char[] {'a', 'b'}, new char[] {'a', 'c'}},
                new Object[] {new double[] {1, Double.NaN}, new double[] {1, Double.NaN}, new double[] {1, 2}},
                new Object[] {new float[] {1, Float.NaN}, new float[] {1, Float.NaN}, new float[] {1, 2}},
                new Object[] {new boolean[] {true, false}, new boolean[] {true, false}, new boolean[] {true, true}});
        for (Object[] c : cases) {
            assertThat(COMPARATOR.diff(c[0], c[1])).as(c[0].getClass().getSimpleName()).isEmpty();
            assertThat(COMPARATOR.equivalent(c[0], c[1])).isTrue();
            assertThat(paths(c[0], c[2])).as(c[0].getClass().getSimpleName()).containsExactly("$[1]");
            assertThat(COMPARATOR.equivalent(c[0], c[2])).isFalse();
            assertThat(UNORDERED.diff(List.of(c[0]), List.of(c[1]))).isEmpty();
            assertThat(UNORDERED.diff(List.of(c[0]), List.of(c[2]))).isNotEmpty();
        }
        assertThat(paths(new int[] {1}, new int[] {1, 2})).isNotEmpty();
        assertThat(paths(new double[] {0.0}, new double[] {-0.0})).containsExactly("$[0]");
    }

    static final class Primitives {
        int i;
        long l;
        short s;
        byte b;
        char c;
        double d;
        float f;
        boolean z;

        Primitives with(java.util.function.Consumer<Primitives> change) {
            Primitives copy = new Primitives();
            copy.i = i;
            copy.l = l;
            copy.s = s;
            copy.b = b;
            copy.c = c;
            copy.d = d;
            copy.f = f;
            copy.z = z;
            change.accept(copy);
            return copy;
        }
    }

    @Test
    void primitiveFieldsOfEveryTypeCompareAsTheirBoxedValues() {
        Primitives base = new Primitives().with(p -> {
            p.d = Double.NaN;
            p.f = Float.NaN;
        });
        assertThat(paths(base, base.with(p -> { }))).as("NaN equals NaN, as Double.equals says").isEmpty();
        assertThat(paths(base, base.with(p -> p.i = 1))).containsExactly("$.i");
        assertThat(paths(base, base.with(p -> p.l = 1))).containsExactly("$.l");
        assertThat(paths(base, base.with(p -> p.s = 1))).containsExactly("$.s");
        assertThat(paths(base, base.with(p -> p.b = 1))).containsExactly("$.b");
        assertThat(paths(base, base.with(p -> p.c = 'x'))).containsExactly("$.c");
        assertThat(paths(base, base.with(p -> p.d = 1))).containsExactly("$.d");
        assertThat(paths(base, base.with(p -> p.f = 1))).containsExactly("$.f");
        assertThat(paths(base, base.with(p -> p.z = true))).containsExactly("$.z");
        Primitives zero = new Primitives();
        assertThat(paths(zero, zero.with(p -> p.d = -0.0))).as("0.0 differs from -0.0").containsExactly("$.d");
        assertThat(paths(zero, zero.with(p -> p.f = -0.0f))).containsExactly("$.f");
        // Unordered pairing hashes the same fields: equal beans pair up whatever the order.
        List<Primitives> one = List.of(zero, base);
        List<Primitives> other = List.of(base.with(p -> { }), zero.with(p -> { }));
        assertThat(UNORDERED.diff(one, other)).isEmpty();
        assertThat(UNORDERED.diff(one, List.of(base, zero.with(p -> p.c = 'q')))).isNotEmpty();
    }

    enum Plain { A, B }

    enum WithBody {
        A {
            @Override
            String label() {
                return "a";
            }
        },
        B;

        String label() {
            return "b";
        }
    }

    record Left(String id) {}

    record Right(String id) {}

    @Test
    void valuesOfDifferentClassesCompareOnlyWhereTheClassIsAnImplementationDetail() {
        assertThat(paths(new ArrayList<>(List.of(1, 2)), new LinkedList<>(List.of(1, 2)))).isEmpty();
        assertThat(paths(new HashMap<>(Map.of("k", 1)), new TreeMap<>(Map.of("k", 1)))).isEmpty();
        assertThat(paths(new String[] {"a"}, new Object[] {"a"})).isEmpty();
        assertThat(paths(List.of("a"), Set.of("a"))).isEmpty();
        assertThat(paths(WithBody.A, WithBody.A)).isEmpty();
        assertThat(paths(WithBody.A, WithBody.B)).containsExactly("$");
        assertThat(paths(Plain.A, WithBody.A)).containsExactly("$");
        assertThat(paths(new Left("1"), new Right("1"))).containsExactly("$");
        assertThat(paths(new int[] {1}, new long[] {1})).containsExactly("$");
        assertThat(paths(List.of(1), Map.of(0, 1))).containsExactly("$");
        assertThat(paths("1", 1)).containsExactly("$");
        assertThat(paths(new BigDecimal("1.0"), new BigDecimal("1.00"))).isEmpty();
    }
}
