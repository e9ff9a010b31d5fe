package dev.pasarela.integrations.ai;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One inbound message to analyse and maybe answer, as queued on {@code jobs.ai}: only ids, never
 * the customer's text (the job reads it from the conversation).
 *
 * @param eventKey the inbound event's key: the job's identity across redeliveries
 */
public record AutoReplyJob(String tenantId, String channel, String contactId, String messageId, String eventKey) {

    /** The job document's id: a digest, since event keys hold characters a path segment should not. */
    public String id() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(eventKey.getBytes(StandardCharsets.UTF_8));
            return "job_" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
