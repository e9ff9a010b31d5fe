package dev.pasarela.integrations.meta.pages;

import java.util.List;

/**
 * What {@code /debug_token} says of a token ({@code data.*}).
 *
 * @param expiresAt           epoch seconds; 0 when the token never expires
 * @param dataAccessExpiresAt epoch seconds; 0 when Meta gave none
 * @param errorCode           {@code data.error.code} when the token is not valid (190, 463, 467…), else 0
 */
record TokenDebug(boolean valid, long expiresAt, long dataAccessExpiresAt, List<String> scopes, String type,
                  int errorCode, int errorSubcode) {
}
