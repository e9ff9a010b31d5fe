package dev.pasarela.store.config;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The store's settings ({@code pasarela.store.*}), declared so the start-up configuration check
 * reports a wrong value with every other problem, before {@link StoreConfiguration} picks an adapter.
 *
 * @param type      {@code PASARELA_STORE_TYPE}: auto, embedded, jdbc or firestore
 * @param timeoutMs how long a Firestore call may take
 * @param tableImport {@code PASARELA_STORE_TABLE_IMPORT}: {@code once}, or {@code again:<code>} as a
 *                    refused start printed it, to take the disagreement it names between the embedded
 *                    store and the table {@code pasarela_documents} (DocumentsTableImport)
 */
@ConfigurationProperties("pasarela.store")
public record StoreProperties(
        @Pattern(regexp = "auto|embedded|jdbc|firestore", message = "must be auto, embedded, jdbc or firestore")
        @DefaultValue("auto") String type,
        @Positive(message = "must be a positive number of milliseconds") @DefaultValue("10000") long timeoutMs,
        @Pattern(regexp = "once|again:[0-9a-f]{8}",
                message = "must be once, or again:<code> as a refused start printed it") @DefaultValue("once") String tableImport) {
}
