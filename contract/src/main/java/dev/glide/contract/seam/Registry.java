package dev.glide.contract.seam;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one way every seam chooses among its implementations: by type name, with a refusal that names
 * the value and the names there are.
 *
 * @param <T> the seam
 */
public final class Registry<T extends Typed> {

    private final String what;
    private final Map<String, T> byType = new TreeMap<>();

    /**
     * @param what what an implementation is, for the refusal's message: {@code gateway adapter}
     */
    public Registry(String what, Iterable<? extends T> implementations) {
        this.what = what;
        for (T implementation : implementations) {
            T before = byType.put(implementation.type(), implementation);
            if (before != null) {
                throw new IllegalStateException(
                        "two "
                                + what
                                + "s are named '"
                                + implementation.type()
                                + "': "
                                + before.getClass().getName()
                                + " and "
                                + implementation.getClass().getName());
            }
        }
    }

    public Optional<T> find(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    /**
     * The implementation named {@code type}; an {@link IllegalArgumentException} naming the known
     * ones otherwise.
     */
    public T require(String type) {
        return find(type).orElseThrow(() -> new IllegalArgumentException(unknown(type)));
    }

    /**
     * The refusal for a type no implementation has: {@code no gateway adapter named 'x'; known: a,
     * b}.
     */
    public String unknown(String type) {
        return "no " + what + " named '" + type + "'; known: " + String.join(", ", types());
    }

    public Set<String> types() {
        return Collections.unmodifiableSet(byType.keySet());
    }
}
