package dev.pasarela.store.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Objects;

/**
 * A copy of the table {@code pasarela_documents} into the embedded store: when it was made and what
 * the table held then (how many documents, the latest {@code update_time}, null for an empty table).
 * {@code copiedAt} is null for the mark of the first RocksDB version, which recorded only the number
 * of documents.
 */
record ImportMark(Instant copiedAt, long documents, Instant lastUpdate) {

    /** What the table holds now: how many documents and the latest write (null when empty). */
    record TableState(long documents, Instant lastUpdate) {

        boolean hasWritesAfter(Instant instant) {
            return lastUpdate != null && (instant == null || lastUpdate.isAfter(instant));
        }
    }

    boolean describes(TableState table) {
        return documents == table.documents()
                && (copiedAt == null || Objects.equals(lastUpdate, table.lastUpdate()));
    }

    /** The store's mark: plain text, so that no serializer setting of the application changes it. */
    String text() {
        return "v2 " + copiedAt + " " + documents + " " + (lastUpdate == null ? "-" : lastUpdate.toString());
    }

    /**
     * Reads a mark in any form a version wrote it: this one's text, the first version's bare number,
     * and the JSON of the application's mapper an unreleased commit (dfa6715) wrote.
     *
     * @throws IllegalArgumentException when it is none of these
     */
    static ImportMark parse(String text, ObjectMapper json) {
        try {
            if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
                return new ImportMark(null, Long.parseLong(text), null);
            }
            if (text.startsWith("{")) {
                ImportMark mark = json.readValue(text, ImportMark.class);
                if (mark.copiedAt() == null) {
                    throw new IllegalArgumentException("a JSON mark without copiedAt");
                }
                return mark;
            }
            String[] parts = text.split(" ");
            if (parts.length == 4 && parts[0].equals("v2")) {
                return new ImportMark(Instant.parse(parts[1]), Long.parseLong(parts[2]),
                        parts[3].equals("-") ? null : Instant.parse(parts[3]));
            }
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("unreadable mark", e);
        }
        throw new IllegalArgumentException("unreadable mark");
    }
}
