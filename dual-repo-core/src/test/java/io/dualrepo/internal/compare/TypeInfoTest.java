package io.dualrepo.internal.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.Sensitive;
import io.dualrepo.internal.compare.TypeInfo.Kind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How a class is classified, inspected afresh each time (not through the cache): the kind decides how values are
 * compared, the properties which fields are walked and masked, and {@code tracked} whether the walk must remember
 * the value to stop on cycles.
 */
class TypeInfoTest {

    enum Colour { RED }

    record Leafy(int id, String name, BigDecimal amount, BigInteger big, Colour colour, Instant at) {}

    record Nested(String id, Leafy inner) {}

    record WithList(String id, List<String> tags) {}

    record WithOptional(String id, Optional<String> note) {}

    record WithMap(String id, Map<String, String> labels) {}

    record Secret(String user, @Sensitive String password) {}

    interface HasToken {
        @Sensitive
        String getToken();
    }

    record Token(String id, String token) implements HasToken {
        @Override
        public String getToken() {
            return token;
        }
    }

    interface Flagged {
        @Sensitive
        boolean isAdmin();
    }

    static class Base {
        String baseField;
        static String ignoredStatic = "s";
        transient String ignoredTransient;
    }

    static class Bean extends Base implements Flagged {
        String ownField;
        boolean admin;

        @Override
        public boolean isAdmin() {
            return admin;
        }
    }

    static class Node {
        String name;
        Node next;
    }

    static class Failure extends IllegalStateException {
        String code;
    }

    record Accessors(String id, @Sensitive String pin) {
        @Sensitive
        public String id() {
            return id;
        }
    }

    static class Getters {
        String x;
        String value;

        @Sensitive
        String x() {
            return x;
        }

        @Sensitive
        String get() {
            return value;
        }
    }

    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @interface Id {}

    static class IdInSuperclass {
        @Id
        long key;
    }

    static class Entity extends IdInSuperclass {
        String id;
        String name;
    }

    interface Keyed {
        @Id
        String getCode();
    }

    record ViaInterface(String code, String id) implements Keyed {
        @Override
        public String getCode() {
            return code;
        }
    }

    static class Composite {
        @Id
        String left;
        @Id
        String right;
        String id;
    }

    private static List<String> names(TypeInfo info) {
        return Arrays.stream(info.properties).map(p -> p.name).toList();
    }

    private static List<String> sensitive(TypeInfo info) {
        return Arrays.stream(info.properties).filter(p -> p.sensitive).map(p -> p.name).toList();
    }

    @Test
    void containersAndJdkTypesAreRecognisedBeforeTheirFields() {
        assertThat(TypeInfo.inspect(int[].class).kind).isEqualTo(Kind.PRIMITIVE_ARRAY);
        assertThat(TypeInfo.inspect(String[].class).kind).isEqualTo(Kind.OBJECT_ARRAY);
        assertThat(TypeInfo.inspect(Optional.class).kind).isEqualTo(Kind.OPTIONAL);
        assertThat(TypeInfo.inspect(HashMap.class).kind).isEqualTo(Kind.MAP);
        assertThat(TypeInfo.inspect(TreeSet.class).kind).isEqualTo(Kind.SET);
        assertThat(TypeInfo.inspect(ArrayList.class).kind).isEqualTo(Kind.COLLECTION);
        assertThat(TypeInfo.inspect(Colour.class).kind).isEqualTo(Kind.ENUM);
        assertThat(TypeInfo.inspect(TimeUnit.class).kind).isEqualTo(Kind.ENUM);
        assertThat(TypeInfo.inspect(BigDecimal.class).kind).isEqualTo(Kind.BIG_DECIMAL);
        assertThat(TypeInfo.inspect(URL.class).kind).isEqualTo(Kind.URL);
        assertThat(TypeInfo.inspect(String.class).kind).isEqualTo(Kind.LEAF);
        assertThat(TypeInfo.inspect(Instant.class).kind).isEqualTo(Kind.LEAF);
        assertThat(TypeInfo.inspect(Leafy.class).kind).isEqualTo(Kind.RECORD);
        assertThat(TypeInfo.inspect(Node.class).kind).isEqualTo(Kind.BEAN);
    }

    @Test
    void theIdentityIsTheOnePropertyAnnotatedIdElseTheOneNamedId() {
        assertThat(TypeInfo.inspect(Nested.class).identity.name).isEqualTo("id");
        assertThat(TypeInfo.inspect(Entity.class).identity.name).as("annotated in a superclass").isEqualTo("key");
        assertThat(TypeInfo.inspect(ViaInterface.class).identity.name).as("on an interface's getter").isEqualTo("code");
        assertThat(TypeInfo.inspect(Composite.class).identity).as("several @Id: composite").isNull();
        assertThat(TypeInfo.inspect(Secret.class).identity).isNull();
        assertThat(TypeInfo.inspect(String.class).identity).isNull();
        assertThat(TypeInfo.inspect(Failure.class).identity).isNull();
    }

    @Test
    void onlyContainersAndClassesThatCanReachOthersAreTracked() {
        assertThat(TypeInfo.inspect(String[].class).tracked).isTrue();
        assertThat(TypeInfo.inspect(int[].class).tracked).isFalse();
        assertThat(TypeInfo.inspect(HashMap.class).tracked).isTrue();
        assertThat(TypeInfo.inspect(TreeSet.class).tracked).isTrue();
        assertThat(TypeInfo.inspect(ArrayList.class).tracked).isTrue();
        assertThat(TypeInfo.inspect(Optional.class).tracked).isFalse();
        assertThat(TypeInfo.inspect(Leafy.class).tracked).as("only leaf-typed components").isFalse();
        assertThat(TypeInfo.inspect(Nested.class).tracked).isTrue();
        assertThat(TypeInfo.inspect(WithList.class).tracked).isTrue();
        assertThat(TypeInfo.inspect(WithOptional.class).tracked).isTrue();
        assertThat(TypeInfo.inspect(WithMap.class).tracked).isTrue();
        assertThat(TypeInfo.inspect(Node.class).tracked).isTrue();
    }

    @Test
    void recordComponentsInOrderWithTheirLeafness() {
        TypeInfo leafy = TypeInfo.inspect(Leafy.class);
        assertThat(names(leafy)).containsExactly("id", "name", "amount", "big", "colour", "at");
        assertThat(Arrays.stream(leafy.properties).allMatch(p -> p.leafType)).isTrue();
        assertThat(TypeInfo.inspect(Nested.class).properties[1].leafType).isFalse();
        assertThat(TypeInfo.inspect(Nested.class).properties[0].leafType).isTrue();
        assertThat(TypeInfo.inspect(WithList.class).properties[1].leafType).isFalse();
        assertThat(TypeInfo.inspect(WithOptional.class).properties[1].leafType).isFalse();
        assertThat(TypeInfo.inspect(WithMap.class).properties[1].leafType).isFalse();
    }

    @Test
    void beanFieldsSuperclassFirstWithoutStaticOrTransientOnesStoppingAtJdkClasses() {
        assertThat(names(TypeInfo.inspect(Bean.class))).containsExactly("baseField", "ownField", "admin");
        assertThat(names(TypeInfo.inspect(Failure.class))).containsExactly("code");
        assertThat(TypeInfo.inspect(Failure.class).kind).isEqualTo(Kind.BEAN);
    }

    @Test
    void sensitivityFromTheComponentTheAccessorOrAGetterAnywhereInTheHierarchy() {
        assertThat(sensitive(TypeInfo.inspect(Secret.class))).containsExactly("password");
        assertThat(sensitive(TypeInfo.inspect(Token.class))).containsExactly("token");
        assertThat(sensitive(TypeInfo.inspect(Bean.class))).containsExactly("admin");
        assertThat(sensitive(TypeInfo.inspect(Accessors.class))).containsExactly("id", "pin");
        assertThat(sensitive(TypeInfo.inspect(Getters.class))).containsExactly("x");
        assertThat(sensitive(TypeInfo.inspect(Leafy.class))).isEmpty();
    }

    @Test
    void displayNamesAreSimpleNamesAndAnonymousClassesKeepTheirBinaryName() {
        assertThat(TypeInfo.inspect(Leafy.class).displayName).isEqualTo("Leafy");
        Object anonymous = new Object() { };
        assertThat(TypeInfo.inspect(anonymous.getClass()).displayName)
                .isEqualTo("TypeInfoTest$1");
    }

    @Test
    void theCacheAnswersWhatAnInspectionFinds() {
        assertThat(TypeInfo.of(Secret.class)).isSameAs(TypeInfo.of(Secret.class));
        assertThat(TypeInfo.of(Secret.class).kind).isEqualTo(TypeInfo.inspect(Secret.class).kind);
        assertThat(TypeInfo.isPlatform(String.class)).isTrue();
        assertThat(TypeInfo.isPlatform(javax.naming.Name.class)).isTrue();
        assertThat(TypeInfo.isPlatform(Secret.class)).isFalse();
    }
}
