package dev.pasarela.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Field values as every adapter returns them: integers as Long, decimals as Double, nested maps
 * and lists copied. Firestore does this natively; the embedded and jdbc adapters go through JSON.
 */
public final class Values {
    private Values() {}

    public static Object normalize(Object v) {
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof java.math.BigInteger b) {
            return b.longValueExact();
        }
        if (v instanceof java.math.BigDecimal d) {
            return d.doubleValue();
        }
        if (v instanceof Map<?, ?> m) {
            return normalizeMap(m);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(normalize(x)));
            return out;
        }
        return v;
    }

    public static Map<String, Object> normalizeMap(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, x) -> out.put(String.valueOf(k), normalize(x)));
        return out;
    }

    /** Firestore's merge semantics: nested maps merge field by field, everything else replaces. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> deepMerge(Map<String, Object> base, Map<String, Object> patch) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        patch.forEach((k, v) -> {
            Object existing = out.get(k);
            if (v instanceof Map<?, ?> pv && existing instanceof Map<?, ?> ev) {
                out.put(k, deepMerge((Map<String, Object>) ev, (Map<String, Object>) pv));
            } else {
                out.put(k, normalize(v));
            }
        });
        return out;
    }

    /** Equality the way Firestore compares numbers: 3 == 3L == 3.0. */
    public static boolean equal(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue()) == 0;
        }
        return java.util.Objects.equals(a, b);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int compare(Object a, Object b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a instanceof Comparable ca && a.getClass() == b.getClass()) {
            return ca.compareTo(b);
        }
        return a.getClass().getName().compareTo(b.getClass().getName());
    }
}
