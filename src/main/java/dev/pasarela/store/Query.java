package dev.pasarela.store;

import java.util.ArrayList;
import java.util.List;

/**
 * The simple queries both adapters answer the same way: equality filters on (dotted) fields,
 * one optional order and a limit. Anything richer belongs in Firestore with a composite index.
 */
public record Query(List<Filter> filters, String orderBy, boolean descending, int limit) {

    public record Filter(String field, Object value) {}

    public static Query all() {
        return new Query(List.of(), null, false, 0);
    }

    public Query whereEqualTo(String field, Object value) {
        List<Filter> f = new ArrayList<>(filters);
        f.add(new Filter(field, Values.normalize(value)));
        return new Query(List.copyOf(f), orderBy, descending, limit);
    }

    public Query orderBy(String field, boolean desc) {
        return new Query(filters, field, desc, limit);
    }

    public Query limit(int n) {
        return new Query(filters, orderBy, descending, n);
    }
}
