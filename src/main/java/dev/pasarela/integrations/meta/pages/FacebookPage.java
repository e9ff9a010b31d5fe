package dev.pasarela.integrations.meta.pages;

import java.util.List;

/**
 * A Facebook page the connected user manages, as the tenant's web app shows it: never its token.
 *
 * @param tasks              what the user may do on the page (CREATE_CONTENT, MODERATE, MESSAGING, …)
 * @param instagramAccountId the Instagram professional account linked to the page, if any
 */
public record FacebookPage(String id, String name, String category, List<String> tasks, String instagramAccountId) {
}
