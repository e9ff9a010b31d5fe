package dev.pasarela.integrations.meta.publishing;

/** The message on {@code jobs.facebook} / {@code jobs.instagram}: which publication to advance. */
record PublishingJob(String tenantId, String publicationId) {
}
