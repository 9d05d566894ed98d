package io.dualrepo.internal.compare;

import io.dualrepo.Sensitive;
import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URL;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the comparator and the renderer need to know about a runtime class, worked out once per class.
 *
 * <p>Held in a {@link ClassValue} so that the reflection is paid once, lookups are lock-free, and the cache
 * does not keep application class loaders alive after a redeploy.
 */
final class TypeInfo {

    enum Kind {
        /** Compared with equals(): JDK value types and anything else from {@code java.}/{@code javax.}. */
        LEAF,
        /** Compared with compareTo(): two databases return the same amount with different scales. */
        BIG_DECIMAL,
        /** Compared by text: URL.equals() and hashCode() resolve host names. */
        URL,
        ENUM,
        OPTIONAL,
        COLLECTION,
        SET,
        MAP,
        OBJECT_ARRAY,
        PRIMITIVE_ARRAY,
        RECORD,
        BEAN,
        /** A class whose fields reflection may not read (a module that does not open it): equals() decides. */
        OPAQUE
    }

    private static final ClassValue<TypeInfo> CACHE = new ClassValue<>() {
        @Override
        protected TypeInfo computeValue(Class<?> type) {
            return inspect(type);
        }
    };

    private static final Property[] NONE = new Property[0];

    final Kind kind;
    final String displayName;

    /** Record components or bean fields, superclass fields first; empty for other kinds. */
    final Property[] properties;

    /**
     * The property that tells an instance apart from the others of a list (see {@link #identityOf}), or null:
     * lists of such elements are aligned by it rather than by position.
     */
    final @Nullable Property identity;

    /**
     * Whether a value of this class can reach itself again (directly or through others), so the walk must
     * remember having compared it. Records and beans made only of leaf-typed properties cannot, and skipping
     * the bookkeeping for them keeps a comparison of a million such rows cheap.
     */
    final boolean tracked;

    private TypeInfo(Kind kind, String displayName, Property[] properties, boolean tracked) {
        this(kind, displayName, properties, tracked, null);
    }

    private TypeInfo(Kind kind, String displayName, Property[] properties, boolean tracked,
            @Nullable Property identity) {
        this.kind = kind;
        this.displayName = displayName;
        this.properties = properties;
        this.tracked = tracked;
        this.identity = identity;
    }

    static TypeInfo of(Class<?> type) {
        return CACHE.get(type);
    }

    boolean isLeaf() {
        return switch (kind) {
            case LEAF, BIG_DECIMAL, URL, ENUM, OPAQUE -> true;
            default -> false;
        };
    }

    boolean isCollection() {
        return kind == Kind.COLLECTION || kind == Kind.SET;
    }

    boolean isArray() {
        return kind == Kind.OBJECT_ARRAY || kind == Kind.PRIMITIVE_ARRAY;
    }

    /** The compared property of that name, or null; a linear search, for callers that remember the answer. */
    @Nullable Property property(String name) {
        for (Property property : properties) {
            if (property.name.equals(name)) {
                return property;
            }
        }
        return null;
    }

    // Package-private so that tests can inspect a class afresh: the cache would answer from an earlier inspection.
    static TypeInfo inspect(Class<?> type) {
        String name = displayName(type);
        if (type.isArray()) {
            return type.getComponentType().isPrimitive()
                    ? new TypeInfo(Kind.PRIMITIVE_ARRAY, name, NONE, false)
                    : new TypeInfo(Kind.OBJECT_ARRAY, name, NONE, true);
        }
        // Containers are recognised by interface before the java.* rule, so that JDK and Hibernate
        // collections alike are compared element by element.
        if (type == Optional.class) {
            return new TypeInfo(Kind.OPTIONAL, name, NONE, false);
        }
        if (Map.class.isAssignableFrom(type)) {
            return new TypeInfo(Kind.MAP, name, NONE, true);
        }
        if (Set.class.isAssignableFrom(type)) {
            return new TypeInfo(Kind.SET, name, NONE, true);
        }
        if (Collection.class.isAssignableFrom(type)) {
            return new TypeInfo(Kind.COLLECTION, name, NONE, true);
        }
        if (Enum.class.isAssignableFrom(type)) {
            return new TypeInfo(Kind.ENUM, name, NONE, false);
        }
        if (type == BigDecimal.class) {
            return new TypeInfo(Kind.BIG_DECIMAL, name, NONE, false);
        }
        if (type == URL.class) {
            return new TypeInfo(Kind.URL, name, NONE, false);
        }
        if (isPlatform(type)) {
            return new TypeInfo(Kind.LEAF, name, NONE, false);
        }
        Getters getters = annotatedGetters(type);
        Set<String> idNames = new HashSet<>(getters.ids);
        Property[] properties = type.isRecord()
                ? recordComponents(type, getters.sensitive, idNames)
                : beanFields(type, getters.sensitive, idNames);
        if (properties == null) {
            return new TypeInfo(Kind.OPAQUE, name, NONE, false);
        }
        boolean tracked = false;
        for (Property property : properties) {
            tracked |= !property.leafType;
        }
        Kind kind = type.isRecord() ? Kind.RECORD : Kind.BEAN;
        return new TypeInfo(kind, name, properties, tracked, identityOf(properties, idNames));
    }

    /**
     * The one property annotated {@code @Id} (on its field, record component or getter), else the one named
     * {@code id}. The annotation is recognised by its simple name, so that {@code jakarta.persistence.Id},
     * {@code javax.persistence.Id} and Spring Data's {@code @Id} all count without this module depending on them.
     * Several {@code @Id} properties make a composite identity (JPA's {@code @IdClass}), which is not a single
     * value to align by: such a class has none.
     */
    static @Nullable Property identityOf(Property[] properties, Set<String> idNames) {
        if (idNames.size() > 1) {
            return null;
        }
        String name = idNames.isEmpty() ? "id" : idNames.iterator().next();
        for (Property property : properties) {
            if (property.name.equals(name)) {
                return property;
            }
        }
        return null;
    }

    /**
     * Null when an accessor cannot be made accessible. Adds the names of components annotated {@code @Id} to
     * {@code idNames}: on the component itself or, as an annotation meant for fields or methods lands, on the
     * private field or the accessor.
     */
    private static Property @Nullable [] recordComponents(Class<?> type, Set<String> sensitiveGetters,
            Set<String> idNames) {
        RecordComponent[] components = type.getRecordComponents();
        Property[] properties = new Property[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            Method accessor = component.getAccessor();
            if (!accessor.trySetAccessible()) {
                return null;
            }
            String name = component.getName();
            boolean sensitive = component.isAnnotationPresent(Sensitive.class)
                    || accessor.isAnnotationPresent(Sensitive.class)
                    || sensitiveGetters.contains(name);
            if (hasId(component.getAnnotations()) || hasId(accessor.getAnnotations()) || fieldHasId(type, name)) {
                idNames.add(name);
            }
            properties[i] = Property.ofAccessor(name, accessor, sensitive, isLeafType(component.getType()));
        }
        return properties;
    }

    /**
     * Null when a field cannot be made accessible. The walk up the hierarchy stops at the first JDK class:
     * their private state is not domain data and strong encapsulation would refuse it anyway, so a domain
     * exception or a bean extending a JDK class is compared by its own fields.
     */
    private static Property @Nullable [] beanFields(Class<?> type, Set<String> sensitiveGetters, Set<String> idNames) {
        Deque<Class<?>> hierarchy = new ArrayDeque<>();
        for (Class<?> c = type; c != null && c != Object.class && !isPlatform(c); c = c.getSuperclass()) {
            hierarchy.addFirst(c);
        }
        List<Property> properties = new ArrayList<>();
        for (Class<?> c : hierarchy) {
            for (Field field : c.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (Modifier.isStatic(modifiers) || Modifier.isTransient(modifiers) || field.isSynthetic()) {
                    continue;
                }
                if (!field.trySetAccessible()) {
                    return null;
                }
                boolean sensitive = field.isAnnotationPresent(Sensitive.class)
                        || sensitiveGetters.contains(field.getName());
                if (hasId(field.getAnnotations())) {
                    idNames.add(field.getName());
                }
                properties.add(Property.ofField(field, sensitive, isLeafType(field.getType())));
            }
        }
        return properties.toArray(NONE);
    }

    /** Property names whose getter carries {@code @Sensitive}, and those whose getter carries {@code @Id}. */
    private record Getters(Set<String> sensitive, Set<String> ids) {}

    /**
     * The getters ({@code getX()}, {@code isX()} or {@code x()}) annotated {@code @Sensitive} or {@code @Id}
     * anywhere in the class, its superclasses or its interfaces: annotations on methods are not inherited, and
     * an interface is a natural place to mark them. A sensitive getter counts under its own name too.
     */
    private static Getters annotatedGetters(Class<?> type) {
        Set<String> sensitive = new HashSet<>();
        Set<String> ids = new HashSet<>();
        Set<Class<?>> seen = new HashSet<>();
        Deque<Class<?>> pending = new ArrayDeque<>();
        pending.add(type);
        while (!pending.isEmpty()) {
            Class<?> c = pending.poll();
            if (c == Object.class || isPlatform(c) || !seen.add(c)) {
                continue;
            }
            for (Method method : c.getDeclaredMethods()) {
                if (method.getParameterCount() != 0 || method.isSynthetic()) {
                    continue;
                }
                if (method.isAnnotationPresent(Sensitive.class)) {
                    sensitive.add(method.getName());
                    sensitive.add(propertyName(method.getName()));
                }
                if (hasId(method.getAnnotations())) {
                    ids.add(propertyName(method.getName()));
                }
            }
            if (c.getSuperclass() != null) {
                pending.add(c.getSuperclass());
            }
            pending.addAll(List.of(c.getInterfaces()));
        }
        return new Getters(sensitive, ids);
    }

    private static boolean hasId(Annotation[] annotations) {
        for (Annotation annotation : annotations) {
            if (annotation.annotationType().getSimpleName().equals("Id")) {
                return true;
            }
        }
        return false;
    }

    private static boolean fieldHasId(Class<?> record, String component) {
        try {
            return hasId(record.getDeclaredField(component).getAnnotations());
        } catch (NoSuchFieldException e) {
            return false;
        }
    }

    private static String propertyName(String method) {
        for (String prefix : new String[] {"get", "is"}) {
            if (method.length() > prefix.length()
                    && method.startsWith(prefix)
                    && Character.isUpperCase(method.charAt(prefix.length()))) {
                String rest = method.substring(prefix.length());
                return Character.toLowerCase(rest.charAt(0)) + rest.substring(1);
            }
        }
        return method;
    }

    /**
     * Whether a property declared with this type can only ever hold a leaf. Decided from the declared type
     * alone, without inspecting it, because inspecting a type that refers to itself would never end.
     * BigDecimal and BigInteger are not final, but a subclass holding a back-reference is far-fetched enough,
     * and such a subclass would still be tracked itself.
     */
    private static boolean isLeafType(Class<?> type) {
        if (type.isPrimitive() || type.isEnum() || type == BigDecimal.class || type == BigInteger.class) {
            return true;
        }
        return Modifier.isFinal(type.getModifiers())
                && isPlatform(type)
                && type != Optional.class
                && !Collection.class.isAssignableFrom(type)
                && !Map.class.isAssignableFrom(type);
    }

    static boolean isPlatform(Class<?> type) {
        String name = type.getName();
        return name.startsWith("java.") || name.startsWith("javax.");
    }

    private static String displayName(Class<?> type) {
        String simple = type.getSimpleName();
        if (!simple.isEmpty()) {
            return simple;
        }
        // Anonymous and hidden classes have no simple name.
        String name = type.getName();
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
