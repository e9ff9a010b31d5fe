package dev.pasarela.integrations.meta.pages;

/** A page from {@code /me/accounts} with its page access token: stays inside this package. */
record PageGrant(FacebookPage page, String accessToken) {

    @Override
    public String toString() {
        return "PageGrant[" + page + "]"; // never the token
    }
}
