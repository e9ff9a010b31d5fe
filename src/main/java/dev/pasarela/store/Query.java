package dev.pasarela.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The simple queries every adapter answers the same way: equality filters on (dotted) fields,
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

    /**
     * The query's answer from every document of its collection, in path order: for the adapters that
     * read a whole collection and filter, order and limit it here, as Firestore does on its side.
     */
    public List<Document> select(List<Document> collection) {
        List<Document> out = new ArrayList<>();
        for (Document d : collection) {
            if (filters.stream().allMatch(f -> Values.equal(d.field(f.field()), f.value()))) {
                out.add(d);
            }
        }
        if (orderBy != null) {
            // Firestore leaves out documents that lack the order-by field
            out.removeIf(d -> d.field(orderBy) == null);
            // ties break on the document path in the same direction, as Firestore's implicit __name__ order
            Comparator<Document> c = Comparator.<Document, Object>comparing(d -> d.field(orderBy), Values::compare)
                    .thenComparing(Document::path);
            out.sort(descending ? c.reversed() : c);
        }
        return limit > 0 && out.size() > limit ? out.subList(0, limit) : out;
    }
}
