package io.dualrepo.internal.compare;

import io.dualrepo.Sensitive;
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
     * Whether a value of this class can reach itself again (directly or through others), so the walk must
     * remember having compared it. Records and beans made only of leaf-typed properties cannot, and skipping
     * the bookkeeping for them keeps a comparison of a million such rows cheap.
     */
    final boolean tracked;

    private TypeInfo(Kind kind, String displayName, Property[] properties, boolean tracked) {
        this.kind = kind;
        this.displayName = displayName;
        this.properties = properties;
        this.tracked = tracked;
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
        Property[] properties = type.isRecord() ? recordComponents(type) : beanFields(type);
        if (properties == null) {
            return new TypeInfo(Kind.OPAQUE, name, NONE, false);
        }
        boolean tracked = false;
        for (Property property : properties) {
            tracked |= !property.leafType;
        }
        return new TypeInfo(type.isRecord() ? Kind.RECORD : Kind.BEAN, name, properties, tracked);
    }

    /** Null when an accessor cannot be made accessible. */
    private static Property[] recordComponents(Class<?> type) {
        Set<String> sensitiveGetters = sensitiveGetterNames(type);
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
            properties[i] = Property.ofAccessor(name, accessor, sensitive, isLeafType(component.getType()));
        }
        return properties;
    }

    /**
     * Null when a field cannot be made accessible. The walk up the hierarchy stops at the first JDK class:
     * their private state is not domain data and strong encapsulation would refuse it anyway, so a domain
     * exception or a bean extending a JDK class is compared by its own fields.
     */
    private static Property[] beanFields(Class<?> type) {
        Deque<Class<?>> hierarchy = new ArrayDeque<>();
        for (Class<?> c = type; c != null && c != Object.class && !isPlatform(c); c = c.getSuperclass()) {
            hierarchy.addFirst(c);
        }
        Set<String> sensitiveGetters = sensitiveGetterNames(type);
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
                properties.add(Property.ofField(field, sensitive, isLeafType(field.getType())));
            }
        }
        return properties.toArray(NONE);
    }

    /**
     * Property names whose zero-argument getter ({@code getX()}, {@code isX()} or {@code x()}) carries
     * {@code @Sensitive} anywhere in the class, its superclasses or its interfaces: annotations on methods
     * are not inherited, and an interface is a natural place to mark them.
     */
    private static Set<String> sensitiveGetterNames(Class<?> type) {
        Set<String> names = new HashSet<>();
        Set<Class<?>> seen = new HashSet<>();
        Deque<Class<?>> pending = new ArrayDeque<>();
        pending.add(type);
        while (!pending.isEmpty()) {
            Class<?> c = pending.poll();
            if (c == Object.class || isPlatform(c) || !seen.add(c)) {
                continue;
            }
            for (Method method : c.getDeclaredMethods()) {
                if (method.getParameterCount() == 0 && method.isAnnotationPresent(Sensitive.class)) {
                    names.add(method.getName());
                    names.add(propertyName(method.getName()));
                }
            }
            if (c.getSuperclass() != null) {
                pending.add(c.getSuperclass());
            }
            pending.addAll(List.of(c.getInterfaces()));
        }
        return names;
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
